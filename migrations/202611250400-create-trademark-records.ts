// Why: the registry searched for conflicts (trademark_records), filled by the USPTO XML/CSV importer.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE trademark_records (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      serial_number text NOT NULL,
      registration_number text NULL,
      mark text NULL,
      normalized_mark text NULL,
      phonetic_keys text[] NOT NULL DEFAULT '{}',
      status_code text NULL,
      live boolean NOT NULL DEFAULT false,
      status_date date NULL,
      filing_date date NULL,
      registration_date date NULL,
      owner text NULL,
      classes integer[] NOT NULL DEFAULT '{}',
      goods_services text NULL,
      source text NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trademark_records_serial_number_key UNIQUE (serial_number)
    )`);
  // Search filters by Nice class (classes && $1); the trigram and phonetic indexes come with the search engine.
  await sql('CREATE INDEX trademark_records_classes_gin_idx ON trademark_records USING gin (classes)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE trademark_records');
};
