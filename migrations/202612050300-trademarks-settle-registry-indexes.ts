// Why: a bulk registry import leaves each GIN index of trademark_records with a pending list
// (fastupdate) that every index scan of a search reads through, and the planner's statistics
// from before the load; cleaning the lists and analyzing needs the tables' owner, which the app's
// role (what the cli runs as) is not, so the owner provides it as one function.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // SECURITY DEFINER: runs as the owner, whose right gin_clean_pending_list and ANALYZE need.
  // Takes no argument, so a caller can only settle these two tables. Returns the pending-list
  // pages moved into the indexes.
  await sql(`
    CREATE FUNCTION trademark_records_settle() RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
      gin_index regclass;
      cleaned bigint := 0;
    BEGIN
      FOR gin_index IN
        SELECT i.indexrelid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
         WHERE i.indrelid = 'public.trademark_records'::regclass AND am.amname = 'gin' ORDER BY 1
      LOOP
        cleaned := cleaned + gin_clean_pending_list(gin_index);
      END LOOP;
      ANALYZE public.trademark_records;
      ANALYZE public.trademark_mark_analyses;
      RETURN cleaned;
    END $$`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP FUNCTION trademark_records_settle()');
};
