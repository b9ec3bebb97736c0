// Why: billing's plans (seeded: free, pro, business), invoices with their lines, and the per-year counter that makes invoice numbers gapless.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE plans (
      code text PRIMARY KEY,
      name text NOT NULL,
      price_amount bigint NOT NULL CONSTRAINT plans_price_amount_check CHECK (price_amount >= 0),
      currency char(3) NOT NULL,
      interval text NOT NULL DEFAULT 'month' CONSTRAINT plans_interval_check CHECK (interval IN ('month')),
      search_quota integer NOT NULL CONSTRAINT plans_search_quota_check CHECK (search_quota >= 0),
      trial_days integer NOT NULL DEFAULT 0 CONSTRAINT plans_trial_days_check CHECK (trial_days >= 0),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql(`
    INSERT INTO plans (code, name, price_amount, currency, search_quota) VALUES
      ('free', 'Free', 0, 'USD', 10),
      ('pro', 'Pro', 1900, 'USD', 200),
      ('business', 'Business', 9900, 'USD', 2000)`);
  await sql(`
    CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
      subscription_id uuid NULL,
      number text NULL CONSTRAINT invoices_number_key UNIQUE,
      status text NOT NULL DEFAULT 'draft' CONSTRAINT invoices_status_check CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
      currency char(3) NOT NULL,
      subtotal bigint NOT NULL DEFAULT 0,
      tax_rate_bps integer NOT NULL DEFAULT 0,
      tax bigint NOT NULL DEFAULT 0,
      total bigint NOT NULL DEFAULT 0,
      amount_paid bigint NOT NULL DEFAULT 0 CONSTRAINT invoices_amount_paid_check CHECK (amount_paid >= 0),
      billing_reason text NOT NULL,
      period_start timestamptz NULL,
      period_end timestamptz NULL,
      due_at timestamptz NULL,
      finalized_at timestamptz NULL,
      paid_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT invoices_number_when_finalized_check CHECK ((status = 'draft') = (number IS NULL))
    )`);
  // The user's invoice list, newest first.
  await sql('CREATE INDEX invoices_user_id_created_at_idx ON invoices (user_id, created_at DESC, id DESC)');
  await sql(`
    CREATE TABLE invoice_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
      position integer NOT NULL,
      description text NOT NULL,
      period_start timestamptz NULL,
      period_end timestamptz NULL,
      quantity integer NOT NULL CONSTRAINT invoice_lines_quantity_check CHECK (quantity > 0),
      unit_amount bigint NOT NULL,
      amount bigint NOT NULL,
      CONSTRAINT invoice_lines_invoice_id_position_key UNIQUE (invoice_id, position)
    )`);
  // One row per year: the finalizing transaction increments and locks it, so a rollback gives the number back.
  await sql(`
    CREATE TABLE invoice_number_counters (
      year integer PRIMARY KEY,
      last_number integer NOT NULL CONSTRAINT invoice_number_counters_last_number_check CHECK (last_number BETWEEN 0 AND 999999)
    )`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE invoice_number_counters');
  await sql('DROP TABLE invoice_lines');
  await sql('DROP TABLE invoices');
  await sql('DROP TABLE plans');
};
