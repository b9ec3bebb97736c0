// Why: a chargeback (a provider's charge.dispute.* events) takes money back outside our refunds; the payment records its dispute (status, amount, reason) so that it is visible and explainable.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    ALTER TABLE payments
      ADD COLUMN dispute_reference text NULL,
      ADD COLUMN dispute_status text NULL CONSTRAINT payments_dispute_status_check
        CHECK (dispute_status IN ('warning_needs_response', 'warning_under_review', 'warning_closed', 'needs_response', 'under_review', 'won', 'lost')),
      ADD COLUMN dispute_amount bigint NULL CONSTRAINT payments_dispute_amount_check CHECK (dispute_amount >= 0),
      ADD COLUMN dispute_reason text NULL`);
  await sql('ALTER TABLE payments ADD CONSTRAINT payments_dispute_check CHECK ((dispute_reference IS NULL) = (dispute_status IS NULL))');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE payments DROP CONSTRAINT payments_dispute_check');
  await sql('ALTER TABLE payments DROP COLUMN dispute_reason, DROP COLUMN dispute_amount, DROP COLUMN dispute_status, DROP COLUMN dispute_reference');
};
