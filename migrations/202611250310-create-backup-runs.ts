// Why: one row per database backup (pg_dump file, checksum, verification) and per restore drill, owned by libs/backups.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE backup_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CONSTRAINT backup_runs_kind_check CHECK (kind IN ('backup', 'drill')),
      status text NOT NULL DEFAULT 'running' CONSTRAINT backup_runs_status_check CHECK (status IN ('running', 'success', 'failure')),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz NULL,
      -- The dump's file name inside BACKUP_DIR (a drill: the file it restored).
      file text NULL,
      size_bytes bigint NULL,
      sha256 text NULL,
      -- pg_restore --list read the file and found every counted table's data in it.
      verified boolean NOT NULL DEFAULT false,
      verify_error text NULL,
      -- A drill: how long pg_restore took into the scratch database.
      restore_ms integer NULL,
      error text NULL,
      -- A backup: row counts of the main tables in the dump's snapshot; a drill: those compared.
      details jsonb NULL,
      -- A drill: the backup it restored.
      backup_id uuid NULL REFERENCES backup_runs (id) ON DELETE SET NULL
    )`);
  // GET /v1/admin/backups: newest first, keyset on (started_at, id).
  await sql('CREATE INDEX backup_runs_started_at_id_idx ON backup_runs (started_at DESC, id DESC)');
  // The newest good backup (drill, readiness, retention) and the newest of each kind.
  await sql('CREATE INDEX backup_runs_kind_status_started_at_idx ON backup_runs (kind, status, started_at DESC)');
  // Deleting a backup row sets its drills' backup_id to NULL.
  await sql('CREATE INDEX backup_runs_backup_id_idx ON backup_runs (backup_id) WHERE backup_id IS NOT NULL');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE backup_runs');
};
