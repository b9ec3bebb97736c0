// Why: marks a user monitors, and the conflicts already reported for each (so a record is never reported twice).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE trademark_watches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      mark text NOT NULL,
      classes integer[] NOT NULL DEFAULT '{}',
      threshold integer NOT NULL DEFAULT 70 CONSTRAINT trademark_watches_threshold_check CHECK (threshold BETWEEN 1 AND 100),
      active boolean NOT NULL DEFAULT true,
      last_run_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  // The user's list, newest first; the runner's scan of active watches.
  await sql('CREATE INDEX trademark_watches_user_id_created_at_idx ON trademark_watches (user_id, created_at DESC, id DESC)');
  await sql('CREATE INDEX trademark_watches_active_idx ON trademark_watches (created_at) WHERE active');
  await sql(`
    CREATE TABLE trademark_watch_hits (
      watch_id uuid NOT NULL REFERENCES trademark_watches (id) ON DELETE CASCADE,
      serial_number text NOT NULL,
      score integer NOT NULL,
      baseline boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (watch_id, serial_number)
    )`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE trademark_watch_hits');
  await sql('DROP TABLE trademark_watches');
};
