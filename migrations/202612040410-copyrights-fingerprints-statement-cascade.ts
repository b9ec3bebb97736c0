// Why: an upload writes one copyright_text_fingerprints row per winnowing fingerprint (about
// 17,000 for a 500 KB text), and the foreign key to copyright_contents checked every one of
// them with a query of its own: measured, that check was about 40% of the COPY. The rows are
// written only by CopyrightContentRepository.replace, in the transaction that creates their
// content row (which no other transaction can see, let alone delete, before it commits), so the
// per-row check guards nothing there. The key's other duty, removing a content's fingerprints
// with it (directly, or through a deleted work or user), is kept by one statement-level
// trigger per DELETE on copyright_contents (a set-based delete over the deleted ids).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql('ALTER TABLE copyright_text_fingerprints DROP CONSTRAINT copyright_text_fingerprints_content_id_fkey');
  await sql(`
    CREATE FUNCTION copyright_contents_delete_fingerprints() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM copyright_text_fingerprints f USING gone WHERE f.content_id = gone.id;
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE TRIGGER copyright_contents_delete_fingerprints AFTER DELETE ON copyright_contents
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION copyright_contents_delete_fingerprints()`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TRIGGER copyright_contents_delete_fingerprints ON copyright_contents');
  await sql('DROP FUNCTION copyright_contents_delete_fingerprints()');
  await sql(`
    ALTER TABLE copyright_text_fingerprints ADD CONSTRAINT copyright_text_fingerprints_content_id_fkey
      FOREIGN KEY (content_id) REFERENCES copyright_contents (id) ON DELETE CASCADE`);
};
