// Why: a trial is part of a subscription's history (when it started and ended), so that the response can show it and a user gets one trial only, even after the subscription converted or ended.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE subscriptions ADD COLUMN trial_start timestamptz NULL, ADD COLUMN trial_end timestamptz NULL');
  await sql('ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_trial_check CHECK ((trial_start IS NULL) = (trial_end IS NULL) AND (trial_end IS NULL OR trial_end > trial_start))');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_trial_check');
  await sql('ALTER TABLE subscriptions DROP COLUMN trial_end, DROP COLUMN trial_start');
};
