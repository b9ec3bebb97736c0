// Why: trademark_records_settle() runs as the owner (SECURITY DEFINER) and, like every new
// function, was executable by PUBLIC: any role that can connect to the database could make the
// owner clean the registry's GIN pending lists and ANALYZE its tables (work that takes minutes on
// a large registry). Only the owner and the app's role (the registry import runs as it) may call
// it now; `trademarks_restrict_app_role` is called by the migration runner after every
// `migrate up` when the app runs as a role of its own (MigrationRunner.grantApplicationRole).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('REVOKE ALL ON FUNCTION trademark_records_settle() FROM PUBLIC');
  await sql(`
    CREATE FUNCTION trademarks_restrict_app_role(app text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.trademark_records_settle() TO %I', app);
    END $$`);
  await sql('REVOKE ALL ON FUNCTION trademarks_restrict_app_role(text) FROM PUBLIC');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP FUNCTION trademarks_restrict_app_role(text)');
  await sql('GRANT EXECUTE ON FUNCTION trademark_records_settle() TO PUBLIC');
};
