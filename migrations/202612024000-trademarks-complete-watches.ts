// Why: one watch per mark and class set (identical duplicates notified every conflict twice), and hits a client can page through and read (id, risk band, reasons).
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // The API now stores a mark trimmed with single spaces; bring the older rows to the same form.
  await sql(`UPDATE trademark_watches SET mark = regexp_replace(btrim(mark), '\\s+', ' ', 'g') WHERE mark <> regexp_replace(btrim(mark), '\\s+', ' ', 'g')`);

  // Identical watches made before the rule are merged into the oldest of each group: the lowest
  // threshold and "active if any was" (it then reports at least what any of them did), and
  // every hit moves to it, so no conflict is reported again.
  await sql(`
    CREATE TEMPORARY TABLE watch_merges ON COMMIT DROP AS
    SELECT id, keep_id FROM (
      SELECT id, first_value(id) OVER (PARTITION BY user_id, lower(mark), classes ORDER BY created_at, id) AS keep_id
        FROM trademark_watches) w
     WHERE id <> keep_id`);
  await sql(`
    UPDATE trademark_watches k
       SET threshold = LEAST(k.threshold, g.threshold), active = k.active OR g.active
      FROM (SELECT m.keep_id, min(w.threshold) AS threshold, bool_or(w.active) AS active
              FROM watch_merges m JOIN trademark_watches w ON w.id = m.id GROUP BY m.keep_id) g
     WHERE k.id = g.keep_id`);
  await sql(`
    INSERT INTO trademark_watch_hits (watch_id, serial_number, score, baseline, created_at)
    SELECT m.keep_id, h.serial_number, h.score, h.baseline, h.created_at
      FROM trademark_watch_hits h JOIN watch_merges m ON m.id = h.watch_id
    ON CONFLICT (watch_id, serial_number) DO NOTHING`);
  await sql('DELETE FROM trademark_watches WHERE id IN (SELECT id FROM watch_merges)');
  await sql('CREATE UNIQUE INDEX trademark_watches_identity_idx ON trademark_watches (user_id, lower(mark), classes)');

  // A hit gets an id (the keyset cursor of GET /watches/:id/hits), its risk band and reasons.
  await sql('ALTER TABLE trademark_watch_hits ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()');
  await sql('ALTER TABLE trademark_watch_hits ADD CONSTRAINT trademark_watch_hits_id_key UNIQUE (id)');
  await sql('ALTER TABLE trademark_watch_hits ADD COLUMN risk text');
  // The bands as fixed when the column was added (RISK_THRESHOLDS): older hits get theirs from the score.
  await sql(`UPDATE trademark_watch_hits SET risk = CASE WHEN score >= 70 THEN 'high' WHEN score >= 40 THEN 'medium' WHEN score >= 15 THEN 'low' ELSE 'none' END`);
  await sql('ALTER TABLE trademark_watch_hits ALTER COLUMN risk SET NOT NULL');
  await sql(`ALTER TABLE trademark_watch_hits ADD COLUMN reasons jsonb NOT NULL DEFAULT '[]'`);
  await sql('CREATE INDEX trademark_watch_hits_watch_id_created_at_idx ON trademark_watch_hits (watch_id, created_at DESC, score DESC, id DESC)');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  // Merged duplicates are not split again: they were identical.
  await sql('DROP INDEX trademark_watch_hits_watch_id_created_at_idx');
  await sql('ALTER TABLE trademark_watch_hits DROP COLUMN reasons, DROP COLUMN risk');
  await sql('ALTER TABLE trademark_watch_hits DROP CONSTRAINT trademark_watch_hits_id_key');
  await sql('ALTER TABLE trademark_watch_hits DROP COLUMN id');
  await sql('DROP INDEX trademark_watches_identity_idx');
};
