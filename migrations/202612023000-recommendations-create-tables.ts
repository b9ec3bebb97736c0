// Why: recommendations made to a user (Nice classes from a description, later clearance advice)
// and their log (made, shown, accepted, dismissed, with the model version), owned by
// libs/recommendations: quality is measured from the log.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE recommendations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type IN ('nice-class', 'risk-summary', 'classes', 'watch', 'alternatives')),
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'accepted', 'dismissed')),
      title text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      model_version text NOT NULL,
      acted_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  // GET /v1/recommendations: a user's newest first, by status and type.
  await sql('CREATE INDEX recommendations_user_id_created_at_idx ON recommendations (user_id, created_at DESC, id DESC)');
  await sql(`
    CREATE TABLE recommendation_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      recommendation_id uuid NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      type text NOT NULL,
      action text NOT NULL CHECK (action IN ('made', 'shown', 'accepted', 'dismissed')),
      model_version text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX recommendation_logs_recommendation_id_idx ON recommendation_logs (recommendation_id)');
  // GET /v1/admin/recommendations/stats groups by type and model version.
  await sql('CREATE INDEX recommendation_logs_type_model_version_idx ON recommendation_logs (type, model_version, action)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE recommendation_logs');
  await sql('DROP TABLE recommendations');
};
