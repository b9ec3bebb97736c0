// Why: one row per winnowing fingerprint (about 17,000 for a 500 KB text, each in two B-trees)
// made storing and looking up a text's fingerprints cost many times its SHA-256. Now a content's
// fingerprints are one row (copyright_text_fingerprint_sets: packed bytea, see
// libs/copyrights/src/content/fingerprint-pack.ts), and only its index hashes (a second, wider
// winnowing: about 2/33 of the k-grams instead of 2/9) go into the hash -> work B-tree
// (copyright_text_postings). Existing contents keep every fingerprint hash as a posting: a
// superset of their index hashes, so they are found at least as well as new uploads (a new
// upload of the work writes the smaller set).
import type { MigrationFn } from '@app/database';

const OLD_TRIGGER_BODY = `
    BEGIN
      DELETE FROM copyright_text_fingerprints f USING gone WHERE f.content_id = gone.id;
      RETURN NULL;
    END`;

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE copyright_text_fingerprint_sets (
      content_id uuid PRIMARY KEY,
      fingerprints bytea NOT NULL,
      index_hashes bigint[] NOT NULL
    )`);
  // Packed hashes do not compress: store them without trying (pglz over 340 KB per upload).
  await sql('ALTER TABLE copyright_text_fingerprint_sets ALTER COLUMN fingerprints SET STORAGE EXTERNAL, ALTER COLUMN index_hashes SET STORAGE EXTERNAL');
  // The primary key is the lookup B-tree (hash first); one index, so one B-tree insert per posting.
  await sql(`
    CREATE TABLE copyright_text_postings (
      hash bigint NOT NULL,
      content_id uuid NOT NULL,
      CONSTRAINT copyright_text_postings_pkey PRIMARY KEY (hash, content_id)
    )`);
  await sql(`
    INSERT INTO copyright_text_fingerprint_sets (content_id, fingerprints, index_hashes)
    SELECT content_id,
           string_agg(int8send(hash) || int4send(position) || int4send(char_start) || int4send(char_end), ''::bytea ORDER BY position),
           array_agg(DISTINCT hash ORDER BY hash)
      FROM copyright_text_fingerprints
     GROUP BY content_id`);
  await sql('INSERT INTO copyright_text_postings (hash, content_id) SELECT DISTINCT hash, content_id FROM copyright_text_fingerprints');
  // Deleting contents (directly, or through their works or users) removes their set and postings;
  // the postings are found by (hash, content_id) from the set's index hashes, so the postings
  // need no second index on content_id.
  await sql(`
    CREATE OR REPLACE FUNCTION copyright_contents_delete_fingerprints() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM copyright_text_postings p
       USING gone JOIN copyright_text_fingerprint_sets s ON s.content_id = gone.id CROSS JOIN LATERAL unnest(s.index_hashes) AS h(hash)
       WHERE p.hash = h.hash AND p.content_id = gone.id;
      DELETE FROM copyright_text_fingerprint_sets s USING gone WHERE s.content_id = gone.id;
      RETURN NULL;
    END $$`);
  await sql('DROP TABLE copyright_text_fingerprints');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE copyright_text_fingerprints (
      content_id uuid NOT NULL,
      position integer NOT NULL,
      hash bigint NOT NULL,
      char_start integer NOT NULL,
      char_end integer NOT NULL,
      PRIMARY KEY (content_id, position)
    )`);
  await sql(`
    INSERT INTO copyright_text_fingerprints (content_id, position, hash, char_start, char_end)
    SELECT s.content_id,
           ('x' || encode(substring(s.fingerprints FROM i * 20 + 9 FOR 4), 'hex'))::bit(32)::int,
           ('x' || encode(substring(s.fingerprints FROM i * 20 + 1 FOR 8), 'hex'))::bit(64)::bigint,
           ('x' || encode(substring(s.fingerprints FROM i * 20 + 13 FOR 4), 'hex'))::bit(32)::int,
           ('x' || encode(substring(s.fingerprints FROM i * 20 + 17 FOR 4), 'hex'))::bit(32)::int
      FROM copyright_text_fingerprint_sets s
     CROSS JOIN LATERAL generate_series(0, length(s.fingerprints) / 20 - 1) AS i`);
  await sql('CREATE INDEX copyright_text_fingerprints_hash_idx ON copyright_text_fingerprints (hash, content_id)');
  await sql(`CREATE OR REPLACE FUNCTION copyright_contents_delete_fingerprints() RETURNS trigger LANGUAGE plpgsql AS $$${OLD_TRIGGER_BODY} $$`);
  await sql('DROP TABLE copyright_text_postings');
  await sql('DROP TABLE copyright_text_fingerprint_sets');
};
