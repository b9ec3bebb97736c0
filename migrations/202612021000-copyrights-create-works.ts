// Why: copyright works with their lifecycle (copyrights) and the domain log of every change (copyright_logs).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE copyrights (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      title text NOT NULL,
      work_type text NOT NULL CONSTRAINT copyrights_work_type_check
        CHECK (work_type IN ('literary', 'musical', 'visual', 'software', 'audiovisual', 'sound-recording', 'architectural', 'dramatic')),
      authors jsonb NOT NULL DEFAULT '[]',
      creation_date date NOT NULL,
      publication_date date NULL,
      description text NULL,
      status text NOT NULL DEFAULT 'draft' CONSTRAINT copyrights_status_check
        CHECK (status IN ('draft', 'submitted', 'registered', 'rejected', 'withdrawn')),
      registration_number text NULL CONSTRAINT copyrights_registration_number_key UNIQUE,
      registration_date date NULL,
      decision_reason text NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz NULL,
      CONSTRAINT copyrights_publication_after_creation_check CHECK (publication_date IS NULL OR publication_date >= creation_date)
    )`);
  // The owner's list, newest first, unfiltered and filtered by status or by type (keyset order).
  await sql('CREATE INDEX copyrights_user_id_created_at_idx ON copyrights (user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL');
  await sql('CREATE INDEX copyrights_user_id_status_created_at_idx ON copyrights (user_id, status, created_at DESC, id DESC) WHERE deleted_at IS NULL');
  await sql('CREATE INDEX copyrights_user_id_work_type_created_at_idx ON copyrights (user_id, work_type, created_at DESC, id DESC) WHERE deleted_at IS NULL');
  // Title words (trigram), author names and metadata filters (jsonb containment).
  await sql('CREATE INDEX copyrights_title_trgm_idx ON copyrights USING gin (title gin_trgm_ops)');
  await sql('CREATE INDEX copyrights_authors_idx ON copyrights USING gin (authors jsonb_path_ops)');
  await sql('CREATE INDEX copyrights_metadata_idx ON copyrights USING gin (metadata jsonb_path_ops)');
  await sql(`
    CREATE TABLE copyright_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      copyright_id uuid NOT NULL REFERENCES copyrights (id) ON DELETE CASCADE,
      actor_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
      action text NOT NULL,
      from_status text NULL,
      to_status text NULL,
      changed_fields text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
  // A work's history in order (clock_timestamp: several rows of one transaction stay ordered).
  await sql('CREATE INDEX copyright_logs_copyright_id_created_at_idx ON copyright_logs (copyright_id, created_at, id)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE copyright_logs');
  await sql('DROP TABLE copyrights');
};
