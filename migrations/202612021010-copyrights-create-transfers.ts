// Why: an owner offers a work to another address; the recipient accepts or declines, pending offers expire.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE copyright_transfers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      copyright_id uuid NOT NULL REFERENCES copyrights (id) ON DELETE CASCADE,
      from_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      to_email citext NOT NULL,
      to_user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'pending' CONSTRAINT copyright_transfers_status_check
        CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired')),
      expires_at timestamptz NOT NULL,
      decided_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  // At most one pending offer per work.
  await sql(`CREATE UNIQUE INDEX copyright_transfers_pending_idx ON copyright_transfers (copyright_id) WHERE status = 'pending'`);
  // The recipient's list (by address: the recipient may have signed up after the offer).
  await sql('CREATE INDEX copyright_transfers_to_email_created_at_idx ON copyright_transfers (to_email, created_at DESC)');
  await sql('CREATE INDEX copyright_transfers_from_user_id_created_at_idx ON copyright_transfers (from_user_id, created_at DESC)');
  // The expiry job's scan.
  await sql(`CREATE INDEX copyright_transfers_expires_at_idx ON copyright_transfers (expires_at) WHERE status = 'pending'`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE copyright_transfers');
};
