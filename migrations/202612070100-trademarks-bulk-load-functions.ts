// Why: the first import into an empty registry spent most of PostgreSQL's time maintaining the
// GIN indexes row by row (the trigram, phonetic, look-alike and class indexes) and the key-count
// triggers batch by batch; building each index once over the loaded table and counting the keys
// with one GROUP BY is several times cheaper. Dropping indexes and disabling triggers needs the
// table's owner, which the app's role (what the cli runs as) is not, so the owner provides it as
// two functions that take no argument: a caller can only do this to an empty registry, inside
// one transaction that restores everything on commit or rolls it all back.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // Locks trademark_records (ACCESS EXCLUSIVE, to the end of the caller's transaction) and, when
  // it holds no record, keeps the definitions of its non-unique indexes in a temporary table of
  // the owner's (the caller has no right on it), drops those indexes and disables the key-count
  // triggers. The unique serial-number index stays: the load's upserts need it. Returns whether
  // it did so (false: the registry is not empty, nothing changed).
  await sql(`
    CREATE FUNCTION trademark_records_bulk_begin() RETURNS boolean
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DECLARE
      ix record;
    BEGIN
      LOCK TABLE public.trademark_records IN ACCESS EXCLUSIVE MODE;
      IF EXISTS (SELECT 1 FROM public.trademark_records) THEN
        RETURN false;
      END IF;
      CREATE TEMPORARY TABLE trademark_records_bulk_indexes ON COMMIT DROP AS
        SELECT n.nspname AS schema_name, c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS definition
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE i.indrelid = 'public.trademark_records'::regclass AND NOT i.indisunique AND NOT i.indisprimary;
      FOR ix IN SELECT * FROM pg_temp.trademark_records_bulk_indexes ORDER BY index_name LOOP
        EXECUTE format('DROP INDEX %I.%I', ix.schema_name, ix.index_name);
      END LOOP;
      ALTER TABLE public.trademark_records DISABLE TRIGGER trademark_key_stats_insert, DISABLE TRIGGER trademark_key_stats_update;
      RETURN true;
    END $$`);
  // After the load, in the same transaction: builds the dropped indexes again from their kept
  // definitions, enables the triggers and recounts trademark_key_stats from the records (the
  // registry was empty, so the recount is the whole truth). Returns the indexes built.
  await sql(`
    CREATE FUNCTION trademark_records_bulk_finish() RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DECLARE
      ix record;
      built integer := 0;
    BEGIN
      IF to_regclass('pg_temp.trademark_records_bulk_indexes') IS NULL THEN
        RAISE EXCEPTION 'trademark_records_bulk_finish() without trademark_records_bulk_begin() in this transaction';
      END IF;
      FOR ix IN SELECT * FROM pg_temp.trademark_records_bulk_indexes ORDER BY index_name LOOP
        EXECUTE ix.definition;
        built := built + 1;
      END LOOP;
      DROP TABLE pg_temp.trademark_records_bulk_indexes;
      ALTER TABLE public.trademark_records ENABLE TRIGGER trademark_key_stats_insert, ENABLE TRIGGER trademark_key_stats_update;
      DELETE FROM public.trademark_key_stats;
      INSERT INTO public.trademark_key_stats (key, records)
        SELECT k, count(*)::integer FROM public.trademark_records, unnest(phonetic_keys) AS k GROUP BY k ORDER BY k;
      RETURN built;
    END $$`);
  for (const fn of ['trademark_records_bulk_begin()', 'trademark_records_bulk_finish()']) {
    await sql(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
  }
  // The app's role runs the import: the migration runner calls this with it (see 202612060100).
  await sql(`
    CREATE OR REPLACE FUNCTION trademarks_restrict_app_role(app text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.trademark_records_settle() TO %I', app);
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.trademark_records_bulk_begin() TO %I', app);
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.trademark_records_bulk_finish() TO %I', app);
    END $$`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE OR REPLACE FUNCTION trademarks_restrict_app_role(app text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.trademark_records_settle() TO %I', app);
    END $$`);
  await sql('DROP FUNCTION trademark_records_bulk_finish()');
  await sql('DROP FUNCTION trademark_records_bulk_begin()');
};
