// Why: the image lookup (multi-index hashing) reads one band index per band and computes the
// Hamming distances of the rows it finds. With the band alone in the index, every candidate
// row was a heap fetch (about 300 per band with 30,000 stored images); with the id and both
// hashes in the index (INCLUDE), each band is an index-only scan. Same names, same partial
// predicate: the model's declared indexes are unchanged.
import type { MigrationFn } from '@app/database';

const HASHES = ['phash', 'dhash'];
const BANDS = [0, 1, 2, 3];

export const up: MigrationFn = async ({ context: { sql } }) => {
  for (const hash of HASHES) {
    for (const band of BANDS) {
      const column = `${hash}_b${band}`;
      await sql(`DROP INDEX copyright_contents_${column}_idx`);
      await sql(`CREATE INDEX copyright_contents_${column}_idx ON copyright_contents (${column}) INCLUDE (id, phash, dhash) WHERE ${column} IS NOT NULL`);
    }
  }
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  for (const hash of HASHES) {
    for (const band of BANDS) {
      const column = `${hash}_b${band}`;
      await sql(`DROP INDEX copyright_contents_${column}_idx`);
      await sql(`CREATE INDEX copyright_contents_${column}_idx ON copyright_contents (${column}) WHERE ${column} IS NOT NULL`);
    }
  }
};
