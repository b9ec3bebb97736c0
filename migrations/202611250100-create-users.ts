// Why: accounts (identity) and their one-row preferences, owned by libs/users.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email citext NOT NULL,
      name text NULL,
      password_hash text NOT NULL,
      role text NOT NULL DEFAULT 'user' CONSTRAINT users_role_check CHECK (role IN ('user', 'admin')),
      status text NOT NULL DEFAULT 'active' CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled')),
      failed_logins integer NOT NULL DEFAULT 0,
      lockout_count integer NOT NULL DEFAULT 0,
      locked_until timestamptz NULL,
      last_login_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz NULL
    )`);
  // One live account per address; a soft-deleted account frees its address.
  await sql('CREATE UNIQUE INDEX users_email_key ON users (email) WHERE deleted_at IS NULL');
  // Admin list: newest first, keyset-paginated.
  await sql('CREATE INDEX users_created_at_id_idx ON users (created_at DESC, id DESC)');

  await sql(`
    CREATE TABLE user_preferences (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      locale text NOT NULL DEFAULT 'en',
      timezone text NOT NULL DEFAULT 'UTC',
      notifications jsonb NOT NULL DEFAULT '{}'::jsonb,
      default_classes integer[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT user_preferences_default_classes_check CHECK (
        default_classes <@ '{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45}'::integer[])
    )`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE user_preferences');
  await sql('DROP TABLE users');
};
