// Why: trademark searches count against the plan's quota per billing period; one row per user and period, incremented in the search's own transaction.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE search_usage (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      period_start timestamptz NOT NULL,
      used integer NOT NULL CONSTRAINT search_usage_used_check CHECK (used >= 0),
      PRIMARY KEY (user_id, period_start)
    )`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE search_usage');
};
