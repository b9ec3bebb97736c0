// Why: the clearance search: candidate indexes on trademark_records, the searches history and the trademarks log.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // Look-alike candidates: normalized_mark % $query (and word similarity) served by trigrams.
  await sql('CREATE INDEX trademark_records_normalized_mark_trgm_idx ON trademark_records USING gin (normalized_mark gin_trgm_ops)');
  // Sound-alike and shared-word candidates: phonetic_keys && $keys.
  await sql('CREATE INDEX trademark_records_phonetic_keys_gin_idx ON trademark_records USING gin (phonetic_keys)');
  await sql(`
    CREATE TABLE trademark_searches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      query text NOT NULL,
      normalized_query text NOT NULL,
      classes integer[] NOT NULL DEFAULT '{}',
      filters jsonb NOT NULL DEFAULT '{}'::jsonb,
      results jsonb NOT NULL DEFAULT '[]'::jsonb,
      result_count integer NOT NULL,
      risk text NOT NULL CHECK (risk IN ('high', 'medium', 'low', 'none')),
      took_ms integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  // History: a user's newest first, keyset-paginated on (created_at, id).
  await sql('CREATE INDEX trademark_searches_user_id_created_at_idx ON trademark_searches (user_id, created_at DESC, id DESC)');
  // "Which of my searches returned serial X" (results @> '[{"record":{"serialNumber":...}}]').
  await sql('CREATE INDEX trademark_searches_results_gin_idx ON trademark_searches USING gin (results jsonb_path_ops)');
  await sql(`
    CREATE TABLE trademark_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX trademark_logs_user_id_created_at_idx ON trademark_logs (user_id, created_at DESC)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE trademark_logs');
  await sql('DROP TABLE trademark_searches');
  await sql('DROP INDEX trademark_records_phonetic_keys_gin_idx');
  await sql('DROP INDEX trademark_records_normalized_mark_trgm_idx');
};
