// Why: a work's content is kept as fingerprints, not as the file: SHA-256, winnowing fingerprints
// of its text (B-tree on the hash), perceptual hashes of an image (band-split for multi-index
// hashing), and the near-copy matches found when content is uploaded.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE copyright_contents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      copyright_id uuid NOT NULL REFERENCES copyrights (id) ON DELETE CASCADE,
      uploaded_by uuid NULL REFERENCES users (id) ON DELETE SET NULL,
      filename text NULL,
      media_type text NOT NULL,
      kind text NOT NULL CONSTRAINT copyright_contents_kind_check CHECK (kind IN ('text', 'image', 'other')),
      size_bytes bigint NOT NULL,
      sha256 text NOT NULL,
      token_count integer NULL,
      fingerprint_count integer NOT NULL DEFAULT 0,
      fingerprints_truncated boolean NOT NULL DEFAULT false,
      phash bigint NULL,
      dhash bigint NULL,
      phash_b0 integer NULL, phash_b1 integer NULL, phash_b2 integer NULL, phash_b3 integer NULL,
      dhash_b0 integer NULL, dhash_b1 integer NULL, dhash_b2 integer NULL, dhash_b3 integer NULL,
      width integer NULL,
      height integer NULL,
      stored_copy text NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT copyright_contents_copyright_id_key UNIQUE (copyright_id)
    )`);
  // Exact copies of any kind.
  await sql('CREATE INDEX copyright_contents_sha256_idx ON copyright_contents (sha256)');
  // Multi-index hashing: each 16-bit band of each 64-bit image hash has its own index.
  for (const hash of ['phash', 'dhash']) {
    for (let band = 0; band < 4; band++) {
      await sql(`CREATE INDEX copyright_contents_${hash}_b${band}_idx ON copyright_contents (${hash}_b${band}) WHERE ${hash}_b${band} IS NOT NULL`);
    }
  }
  await sql(`
    CREATE TABLE copyright_text_fingerprints (
      content_id uuid NOT NULL REFERENCES copyright_contents (id) ON DELETE CASCADE,
      position integer NOT NULL,
      hash bigint NOT NULL,
      char_start integer NOT NULL,
      char_end integer NOT NULL,
      PRIMARY KEY (content_id, position)
    )`);
  // The match lookup: hash -> contents (covering, so it is an index-only scan).
  await sql('CREATE INDEX copyright_text_fingerprints_hash_idx ON copyright_text_fingerprints (hash, content_id)');
  await sql(`
    CREATE TABLE copyright_matches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      copyright_id uuid NOT NULL REFERENCES copyrights (id) ON DELETE CASCADE,
      content_id uuid NOT NULL REFERENCES copyright_contents (id) ON DELETE CASCADE,
      matched_copyright_id uuid NOT NULL REFERENCES copyrights (id) ON DELETE CASCADE,
      matched_content_id uuid NOT NULL REFERENCES copyright_contents (id) ON DELETE CASCADE,
      own boolean NOT NULL,
      matched_status text NOT NULL,
      kind text NOT NULL CONSTRAINT copyright_matches_kind_check CHECK (kind IN ('exact', 'text', 'image')),
      score real NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  // The uploader's matches of a work, newest first; the admins' list of alarms (other owners' works).
  await sql('CREATE INDEX copyright_matches_copyright_id_created_at_idx ON copyright_matches (copyright_id, created_at DESC, id DESC)');
  await sql('CREATE INDEX copyright_matches_alarms_created_at_idx ON copyright_matches (created_at DESC, id DESC) WHERE NOT own');
  await sql('CREATE INDEX copyright_matches_matched_copyright_id_idx ON copyright_matches (matched_copyright_id)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE copyright_matches');
  await sql('DROP TABLE copyright_text_fingerprints');
  await sql('DROP TABLE copyright_contents');
};
