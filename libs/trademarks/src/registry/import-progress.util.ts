import type { ImportProgress } from './registry.types';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * One progress line: records, rate, share of the file read and the time left, estimated from
 * the bytes read so far (the record count of a file is not known before reading it).
 */
export function formatImportProgress(p: ImportProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.records / seconds : 0;
  const share = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  const eta = share > 0 ? (seconds / share) * (1 - share) : Number.NaN;
  return `${p.records} records (${p.rejected} rejected), ${Math.round(rate)} records/s, ${(share * 100).toFixed(1)}% read, ETA ${duration(eta)}`;
}
