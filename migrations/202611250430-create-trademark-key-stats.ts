// Why: the search needs to know how many records share a search key, to leave out keys too common
// to be a candidate signal (each would make it read thousands of rows); counts kept exact by triggers.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE trademark_key_stats (
      key text PRIMARY KEY,
      records integer NOT NULL
    )`);
  // Statement-level triggers over transition tables: a batch of a thousand records costs one
  // grouped upsert per statement, not one per key per record, and the counts change in the same
  // transaction as the records. Keys are applied in key order so that concurrent writers take the
  // counter rows' locks in the same order.
  const apply = (deltas: string): string => `
      INSERT INTO trademark_key_stats AS s (key, records)
        SELECT key, sum(n)::integer FROM (${deltas}) d GROUP BY key HAVING sum(n) <> 0 ORDER BY key
      ON CONFLICT (key) DO UPDATE SET records = s.records + excluded.records`;
  const plus = 'SELECT k AS key, 1 AS n FROM new_rows, unnest(new_rows.phonetic_keys) AS k';
  const minus = 'SELECT k AS key, -1 AS n FROM old_rows, unnest(old_rows.phonetic_keys) AS k';
  for (const [event, deltas] of [
    ['insert', plus],
    ['update', `${plus} UNION ALL ${minus}`],
    ['delete', minus],
  ] as const) {
    await sql(`
      CREATE FUNCTION trademark_key_stats_on_${event}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${apply(deltas)};
        RETURN NULL;
      END $$`);
  }
  await sql(`
    CREATE FUNCTION trademark_key_stats_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM trademark_key_stats;
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE TRIGGER trademark_key_stats_insert AFTER INSERT ON trademark_records
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trademark_key_stats_on_insert()`);
  await sql(`
    CREATE TRIGGER trademark_key_stats_update AFTER UPDATE ON trademark_records
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trademark_key_stats_on_update()`);
  await sql(`
    CREATE TRIGGER trademark_key_stats_delete AFTER DELETE ON trademark_records
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION trademark_key_stats_on_delete()`);
  await sql(`
    CREATE TRIGGER trademark_key_stats_truncate AFTER TRUNCATE ON trademark_records
      FOR EACH STATEMENT EXECUTE FUNCTION trademark_key_stats_on_truncate()`);
  // Records already in the registry.
  await sql(`
    INSERT INTO trademark_key_stats (key, records)
      SELECT k, count(*) FROM trademark_records, unnest(phonetic_keys) AS k GROUP BY k`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TRIGGER trademark_key_stats_truncate ON trademark_records');
  await sql('DROP TRIGGER trademark_key_stats_delete ON trademark_records');
  await sql('DROP TRIGGER trademark_key_stats_update ON trademark_records');
  await sql('DROP TRIGGER trademark_key_stats_insert ON trademark_records');
  await sql('DROP FUNCTION trademark_key_stats_on_truncate()');
  await sql('DROP FUNCTION trademark_key_stats_on_delete()');
  await sql('DROP FUNCTION trademark_key_stats_on_update()');
  await sql('DROP FUNCTION trademark_key_stats_on_insert()');
  await sql('DROP TABLE trademark_key_stats');
};
