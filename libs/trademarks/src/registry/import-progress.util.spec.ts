import { formatImportProgress } from './import-progress.util';

describe('formatImportProgress', () => {
  it('gives the rate and an ETA from the share of the file read', () => {
    expect(formatImportProgress({ records: 5000, rejected: 2, bytesRead: 25, totalBytes: 100, elapsedMs: 10_000 })).toBe(
      '5000 records (2 rejected), 500 records/s, 25.0% read, ETA 30s',
    );
    expect(formatImportProgress({ records: 0, rejected: 0, bytesRead: 0, totalBytes: 100, elapsedMs: 0 })).toBe('0 records (0 rejected), 0 records/s, 0.0% read, ETA ?');
    expect(formatImportProgress({ records: 1, rejected: 0, bytesRead: 1, totalBytes: 100, elapsedMs: 60_000 })).toMatch(/ETA 1h39m$/);
  });
});
