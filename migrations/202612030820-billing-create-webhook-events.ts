// Why: provider webhook events, stored on receipt under their (provider, event id) so that each is processed once, and one whose payment is not known yet waits for it.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE billing_webhook_events (
      provider text NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz NULL,
      -- What processing did (settled, ignored and why), or why it is still waiting.
      outcome text NULL,
      attempts integer NOT NULL DEFAULT 0,
      PRIMARY KEY (provider, event_id)
    )`);
  // Events still waiting (for a payment the provider told us about before our row existed): retried by the reconciliation job.
  await sql('CREATE INDEX billing_webhook_events_unprocessed_idx ON billing_webhook_events (received_at) WHERE processed_at IS NULL');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE billing_webhook_events');
};
