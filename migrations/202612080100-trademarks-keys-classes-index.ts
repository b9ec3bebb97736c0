// Why: a search with classes reads a crowded initialism or concept only among the records in the
// searched classes (search/trademark-search.repository candidateSql). With one GIN index per column
// that was a BitmapAnd of the key's bitmap and the class's: at 5,000,000 records a class holds
// hundreds of thousands of records, its bitmap went lossy at the default work_mem, and the branch
// rechecked whole pages (PIONEER COFFEE HOLDINGS in class 9: 1.13 s; p50 0.40 s over 30 crowded
// keys and 4 class sets). One GIN index over both columns intersects the two posting lists inside
// the index, skipping through the class's long list by the key's short one (10 ms there), and
// serves a condition on either column alone as well as the two single-column indexes did (a GIN
// index's search does not depend on which of its columns a condition names), at the same size.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('CREATE INDEX trademark_records_keys_classes_gin_idx ON trademark_records USING gin (phonetic_keys, classes)');
  await sql('DROP INDEX trademark_records_phonetic_keys_gin_idx');
  await sql('DROP INDEX trademark_records_classes_gin_idx');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('CREATE INDEX trademark_records_classes_gin_idx ON trademark_records USING gin (classes)');
  await sql('CREATE INDEX trademark_records_phonetic_keys_gin_idx ON trademark_records USING gin (phonetic_keys)');
  await sql('DROP INDEX trademark_records_keys_classes_gin_idx');
};
