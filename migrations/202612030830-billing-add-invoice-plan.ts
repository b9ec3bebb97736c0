// Why: an invoice names the plan it bills for, so that paying an upgrade's invoice is what moves the subscription to the new plan (a failed upgrade payment changes nothing).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE invoices ADD COLUMN plan_code text NULL REFERENCES plans (code)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE invoices DROP COLUMN plan_code');
};
