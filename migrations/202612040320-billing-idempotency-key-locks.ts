// Why: a key whose request died with its process stayed `in flight` (409) for 24 h. The key now holds a lock (an owner id and a heartbeat) that a retry may take over once it goes stale, and a recovery point (what the dead request had committed) from which the retry resumes instead of acting twice.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE idempotency_keys ADD COLUMN lock_id uuid NULL, ADD COLUMN locked_at timestamptz NULL, ADD COLUMN recovery_point text NULL');
  await sql("UPDATE idempotency_keys SET locked_at = created_at WHERE status = 'in_progress'");
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE idempotency_keys DROP COLUMN recovery_point, DROP COLUMN locked_at, DROP COLUMN lock_id');
};
