// Why: the search compares analyzed marks (words, singulars, sound codes, concepts); records get
// their analysis computed once, at import, and stored here, beside (not in) the hot trademark_records.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // One row per record with a mark: the analysis in its compact stored form (encodeAnalysis) and
  // the analyzer version that wrote it. Read only by primary key, for the final candidates of a
  // search; never scanned. A side table keeps trademark_records (and its trigram and key scans)
  // as small as before.
  await sql(`
    CREATE TABLE trademark_mark_analyses (
      record_id uuid PRIMARY KEY,
      version smallint NOT NULL,
      analysis text NOT NULL
    )`);
  // No foreign key: its per-row check would lock every imported record (a write to each heap
  // page of trademark_records) and forbid the plain TRUNCATE of the registry. Statement-level
  // triggers over the deleted rows keep the two tables in step instead, as for trademark_key_stats.
  await sql(`
    CREATE FUNCTION trademark_mark_analyses_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM trademark_mark_analyses a USING old_rows o WHERE a.record_id = o.id;
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE FUNCTION trademark_mark_analyses_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE trademark_mark_analyses;
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE TRIGGER trademark_mark_analyses_delete AFTER DELETE ON trademark_records
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION trademark_mark_analyses_on_delete()`);
  await sql(`
    CREATE TRIGGER trademark_mark_analyses_truncate AFTER TRUNCATE ON trademark_records
      FOR EACH STATEMENT EXECUTE FUNCTION trademark_mark_analyses_on_truncate()`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TRIGGER trademark_mark_analyses_truncate ON trademark_records');
  await sql('DROP TRIGGER trademark_mark_analyses_delete ON trademark_records');
  await sql('DROP FUNCTION trademark_mark_analyses_on_truncate()');
  await sql('DROP FUNCTION trademark_mark_analyses_on_delete()');
  await sql('DROP TABLE trademark_mark_analyses');
};
