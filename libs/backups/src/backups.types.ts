export type BackupKind = 'backup' | 'drill';
export type BackupStatusValue = 'running' | 'success' | 'failure';

/** Row counts of the main tables, by table name. */
export type TableCounts = Record<string, number>;

/** backup_runs.details of a backup. */
export interface BackupDetails {
  /** Row counts in the dump's own snapshot (pg_dump --snapshot), so a restore must match them exactly. */
  tables: TableCounts;
  pgDumpVersion: string;
  serverVersion: string;
}

export interface TableComparison {
  expected: number;
  actual: number | null;
}

/** backup_runs.details of a drill, and what a restore reports. */
export interface RestoreComparison {
  tables: Record<string, TableComparison>;
  /** Human-readable differences, e.g. `users: 12 in the backup, 11 restored`; empty when all match. */
  mismatches: string[];
}

export interface BackupRunRecord {
  id: string;
  kind: BackupKind;
  status: BackupStatusValue;
  startedAt: Date;
  finishedAt: Date | null;
  file: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  verified: boolean;
  verifyError: string | null;
  restoreMs: number | null;
  error: string | null;
  details: Record<string, unknown> | null;
  backupId: string | null;
}

export interface RestoreResult extends RestoreComparison {
  file: string;
  /** host:port/database, never the password. */
  target: string;
  restoreMs: number;
  /** The target had tables and --force replaced the backup's objects in it. */
  replaced: boolean;
}
