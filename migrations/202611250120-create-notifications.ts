// Why: in-app notifications (and their e-mail delivery outcome), owned by libs/notifications.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      type text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      read_at timestamptz NULL,
      delivered_channels text[] NOT NULL DEFAULT '{}',
      email_error text NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  // GET /v1/notifications: a user's newest first, keyset-paginated on (created_at, id).
  await sql('CREATE INDEX notifications_user_id_created_at_idx ON notifications (user_id, created_at DESC, id DESC)');
  // ?unread=true and read-all touch only the (few) unread rows of a user.
  await sql('CREATE INDEX notifications_user_id_unread_idx ON notifications (user_id) WHERE read_at IS NULL');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE notifications');
};
