// Why: billing's subscriptions (one live per user, the period they pay for, retries of a failed renewal) and the payments that charge their invoices.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      plan_code text NOT NULL REFERENCES plans (code),
      status text NOT NULL CONSTRAINT subscriptions_status_check
        CHECK (status IN ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'canceled')),
      provider text NOT NULL,
      payment_method text NOT NULL,
      current_period_start timestamptz NOT NULL,
      current_period_end timestamptz NOT NULL,
      cancel_at_period_end boolean NOT NULL DEFAULT false,
      pending_plan_code text NULL REFERENCES plans (code),
      failure_code text NULL,
      failure_message text NULL,
      failed_attempts integer NOT NULL DEFAULT 0 CONSTRAINT subscriptions_failed_attempts_check CHECK (failed_attempts >= 0),
      first_failed_at timestamptz NULL,
      next_retry_at timestamptz NULL,
      incomplete_expires_at timestamptz NULL,
      canceled_at timestamptz NULL,
      ended_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT subscriptions_period_check CHECK (current_period_end > current_period_start)
    )`);
  // At most one subscription per user that is not over yet: a second subscribe is refused by the database too.
  await sql(`
    CREATE UNIQUE INDEX subscriptions_user_id_open_idx ON subscriptions (user_id)
      WHERE status NOT IN ('canceled', 'incomplete_expired')`);
  await sql('CREATE INDEX subscriptions_user_id_created_at_idx ON subscriptions (user_id, created_at DESC)');
  // The renewal job's scans: live subscriptions whose period is over, past_due ones whose retry is due.
  await sql(`CREATE INDEX subscriptions_current_period_end_idx ON subscriptions (current_period_end) WHERE status IN ('trialing', 'active', 'past_due')`);
  await sql(`CREATE INDEX subscriptions_next_retry_at_idx ON subscriptions (next_retry_at) WHERE next_retry_at IS NOT NULL`);
  await sql('ALTER TABLE invoices ADD CONSTRAINT invoices_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES subscriptions (id) ON DELETE RESTRICT');
  // One invoice per subscription period and reason: a renewal re-run after a crash finds the invoice instead of writing a second.
  await sql(`
    CREATE UNIQUE INDEX invoices_subscription_period_idx ON invoices (subscription_id, billing_reason, period_start)
      WHERE subscription_id IS NOT NULL AND billing_reason IN ('subscription_create', 'subscription_cycle')`);

  await sql(`
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
      subscription_id uuid NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
      amount bigint NOT NULL CONSTRAINT payments_amount_check CHECK (amount > 0),
      amount_refunded bigint NOT NULL DEFAULT 0,
      currency char(3) NOT NULL,
      status text NOT NULL DEFAULT 'pending' CONSTRAINT payments_status_check
        CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded')),
      provider text NOT NULL,
      -- The key the provider call carried: the provider answers a repeated key with the first charge.
      provider_idempotency_key text NOT NULL,
      provider_reference text NULL,
      failure_code text NULL,
      failure_message text NULL,
      succeeded_at timestamptz NULL,
      failed_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- Never more refunded than paid, whatever the code does.
      CONSTRAINT payments_amount_refunded_check CHECK (amount_refunded >= 0 AND amount_refunded <= amount),
      CONSTRAINT payments_provider_idempotency_key_key UNIQUE (provider, provider_idempotency_key),
      CONSTRAINT payments_provider_reference_key UNIQUE (provider, provider_reference)
    )`);
  await sql('CREATE INDEX payments_user_id_created_at_idx ON payments (user_id, created_at DESC, id DESC)');
  await sql('CREATE INDEX payments_invoice_id_idx ON payments (invoice_id)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE payments');
  await sql('DROP INDEX invoices_subscription_period_idx');
  await sql('ALTER TABLE invoices DROP CONSTRAINT invoices_subscription_id_fkey');
  await sql('DROP TABLE subscriptions');
};
