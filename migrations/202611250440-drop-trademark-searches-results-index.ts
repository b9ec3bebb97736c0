// Why: no query reads trademark_searches by the contents of its results, and a GIN index over
// every stored snapshot made each search's insert pay for it (and, when its pending list filled,
// one search in a few hundred paid for merging it).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP INDEX trademark_searches_results_gin_idx');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('CREATE INDEX trademark_searches_results_gin_idx ON trademark_searches USING gin (results jsonb_path_ops)');
};
