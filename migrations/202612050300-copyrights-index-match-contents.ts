// Why: copyright_matches.content_id and matched_content_id reference copyright_contents with ON
// DELETE CASCADE, and replacing or deleting a content (every upload to a work that had content,
// every deleted work or user) runs the cascade's DELETE ... WHERE content_id = $1 and
// WHERE matched_content_id = $1: without an index on either column, each is a scan of the whole
// matches table.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('CREATE INDEX copyright_matches_content_id_idx ON copyright_matches (content_id)');
  await sql('CREATE INDEX copyright_matches_matched_content_id_idx ON copyright_matches (matched_content_id)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP INDEX copyright_matches_matched_content_id_idx');
  await sql('DROP INDEX copyright_matches_content_id_idx');
};
