// Why: Idempotency-Key on billing's mutating routes: the first response is stored with a hash of the request, so a retry replays it instead of charging again.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      key text NOT NULL CONSTRAINT idempotency_keys_key_check CHECK (length(key) BETWEEN 1 AND 255),
      request_hash text NOT NULL,
      status text NOT NULL DEFAULT 'in_progress' CONSTRAINT idempotency_keys_status_check CHECK (status IN ('in_progress', 'completed')),
      response_status integer NULL,
      response_body jsonb NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz NULL,
      PRIMARY KEY (user_id, key),
      CONSTRAINT idempotency_keys_completed_check CHECK ((status = 'completed') = (response_status IS NOT NULL))
    )`);
  // The expiry job deletes keys older than 24 hours.
  await sql('CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE idempotency_keys');
};
