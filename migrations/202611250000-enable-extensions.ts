// Why: the search (pg_trgm, fuzzystrmatch, unaccent) and identity (citext) features need these extensions.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await sql('CREATE EXTENSION IF NOT EXISTS fuzzystrmatch');
  await sql('CREATE EXTENSION IF NOT EXISTS citext');
  await sql('CREATE EXTENSION IF NOT EXISTS unaccent');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP EXTENSION IF EXISTS unaccent');
  await sql('DROP EXTENSION IF EXISTS citext');
  await sql('DROP EXTENSION IF EXISTS fuzzystrmatch');
  await sql('DROP EXTENSION IF EXISTS pg_trgm');
};
