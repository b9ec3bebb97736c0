import { markKeysOf } from './mark-keys';
import type { ParsedRecord, RejectedRecord, StagedRecord } from './registry.types';
import { parseSegment, type CaseFileSegment } from './uspto-xml.splitter';

/** A parsed record and the source label it is stored with (trademark_records.source). */
export type SourcedRecord = ParsedRecord & { source: string };

/** A batch ready for the staging table: COPY CSV text, in STAGING_COLUMNS order, and its row count. */
export interface EncodedBatch {
  csv: string;
  count: number;
}

/** A segment of case-files parsed and encoded: its good records' batch, the ones it rejected, and its problem. */
export interface EncodedSegment extends EncodedBatch {
  rejected: RejectedRecord[];
  problem: string | null;
}

/** The staging table: the stored columns with their types, and each row's place in the batch. */
export const STAGING_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['seq', 'integer'],
  ['serial_number', 'text'],
  ['registration_number', 'text'],
  ['mark', 'text'],
  ['normalized_mark', 'text'],
  ['phonetic_keys', 'text[]'],
  ['lookalike_keys', 'text[]'],
  ['status_code', 'text'],
  ['live', 'boolean'],
  ['status_date', 'date'],
  ['filing_date', 'date'],
  ['registration_date', 'date'],
  ['owner', 'text'],
  ['classes', 'integer[]'],
  ['goods_services', 'text'],
  ['source', 'text'],
  ['analysis', 'text'],
];

/** A text as a quoted field of COPY's CSV format (the quote doubled). */
function quoted(text: string): string {
  return `"${text.includes('"') ? text.replace(/"/g, '""') : text}"`;
}

/** One value as a field of COPY's CSV format (NULL is the unquoted empty field). */
export function csvField(value: string | number | boolean | null | ReadonlyArray<string | number>): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return quoted(typeof value === 'string' ? value : arrayLiteral(value));
}

/** A PostgreSQL array literal, every text element quoted (keys carry '#' and '='). */
export function arrayLiteral(values: ReadonlyArray<string | number>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    if (i > 0) literal += ',';
    literal += typeof v === 'number' ? String(v) : `"${/["\\]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : v}"`;
  }
  return `${literal}}`;
}

/** The records as COPY CSV lines, in STAGING_COLUMNS order. */
export function stagingCsv(batch: readonly StagedRecord[]): string {
  let csv = '';
  for (let seq = 0; seq < batch.length; seq += 1) {
    const r = batch[seq]!;
    csv +=
      `${seq},${csvField(r.serialNumber)},${csvField(r.registrationNumber)},${csvField(r.mark)},${csvField(r.normalizedMark)},` +
      `${csvField(r.phoneticKeys)},${csvField(r.lookalikeKeys)},${csvField(r.statusCode)},${csvField(r.live)},${csvField(r.statusDate)},` +
      `${csvField(r.filingDate)},${csvField(r.registrationDate)},${csvField(r.owner)},${csvField(r.classes)},${csvField(r.goodsServices)},` +
      `${csvField(r.source)},${csvField(r.analysis)}\n`;
  }
  return csv;
}

/**
 * Parsed records as a staging batch: each record's search keys and analysis (markKeysOf), then
 * the COPY text. Pure and synchronous, so that it runs the same inline or in a worker thread
 * (registry-encoder.worker).
 */
export function encodeBatch(records: readonly SourcedRecord[]): EncodedBatch {
  const staged: StagedRecord[] = records.map((record) => Object.assign(record, markKeysOf(record.mark)));
  return { csv: stagingCsv(staged), count: staged.length };
}

/** A segment of case-file XML (UsptoXmlSplitter) parsed, then its good records encoded as encodeBatch does. */
export function encodeSegment(segment: CaseFileSegment, source: string): EncodedSegment {
  const { items, problem } = parseSegment(segment.text, segment.firstPosition);
  const records: SourcedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const item of items) {
    if (item.kind === 'record') records.push(Object.assign(item.record, { source }));
    else rejected.push(item.rejected);
  }
  return { ...encodeBatch(records), rejected, problem };
}
