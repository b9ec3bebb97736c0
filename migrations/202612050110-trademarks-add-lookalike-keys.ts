// Why: short marks differing in one letter (LYSIS/LYZIS, 2 to 8 letters) were found only by a trigram
// scan that reads tens of thousands of index entries; their one-letter deletion keys find them by exact lookup.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // Null for marks longer than the look-alike limit (search/analyzer lookalikeKeys): the partial
  // index holds the short marks only. Records imported before this are keyed by
  // `npm run cli -- registry:reanalyze` (ANALYZER_VERSION 2 marks their analyses stale).
  await sql('ALTER TABLE trademark_records ADD COLUMN lookalike_keys text[]');
  await sql('CREATE INDEX trademark_records_lookalike_keys_gin_idx ON trademark_records USING gin (lookalike_keys) WHERE lookalike_keys IS NOT NULL');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP INDEX trademark_records_lookalike_keys_gin_idx');
  await sql('ALTER TABLE trademark_records DROP COLUMN lookalike_keys');
};
