// Why: refresh-token sessions (one row per token, grouped in rotation families), owned by libs/sessions.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      parent_id uuid NULL REFERENCES sessions (id) ON DELETE SET NULL,
      token_hash text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      used_at timestamptz NULL,
      revoked_at timestamptz NULL,
      revoked_reason text NULL,
      expires_at timestamptz NOT NULL,
      idle_expires_at timestamptz NOT NULL,
      last_activity_at timestamptz NOT NULL DEFAULT now(),
      ip text NULL,
      user_agent text NULL
    )`);
  // Refresh: find a token by its hash.
  await sql('CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash)');
  // Liveness check of an access token's session, and revoking a whole family.
  await sql('CREATE INDEX sessions_family_id_idx ON sessions (family_id)');
  // Listing a user's live sessions, logout-all, new-device check.
  await sql('CREATE INDEX sessions_user_id_created_at_idx ON sessions (user_id, created_at DESC)');
  // purgeExpired.
  await sql('CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE sessions');
};
