import { QueryTypes, Sequelize } from 'sequelize';
import { unpackFingerprints } from '@app/copyrights/content/fingerprint-pack';
import { winnow } from '@app/copyrights/content/winnowing';
import { MigrationRunner } from '@app/database';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const MIGRATION = '202612050200-copyrights-compact-text-fingerprints';

/** Contents fingerprinted as one row per fingerprint keep every fingerprint, offsets included, in the packed layout, and back. */
describe('migration: text fingerprints packed into one row per content (e2e)', () => {
  let db: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = new Sequelize(db.url, { logging: false, pool: { max: 2 } });
  });

  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  async function rows<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
    return sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  }

  it('moves each content’s fingerprints into one packed row, posts every hash, and reverts', async () => {
    const runner = new MigrationRunner({ sequelize });
    const names = runner.files().map((f) => f.name);
    const steps = names.length - names.indexOf(MIGRATION);
    expect(await runner.down(steps)).toContain(MIGRATION);

    const [user] = await rows<{ id: string }>(`INSERT INTO users (email, password_hash) VALUES ('fingerprints@example.com', 'x') RETURNING id`);
    const texts = ['alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau', 'one two three four five six seven eight nine ten eleven twelve'];
    const contents: Array<{ id: string; fingerprints: ReturnType<typeof winnow>['fingerprints'] }> = [];
    for (const [i, text] of texts.entries()) {
      const [work] = await rows<{ id: string }>(`INSERT INTO copyrights (user_id, title, work_type, creation_date) VALUES ($1, $2, 'literary', '2015-01-01') RETURNING id`, [user.id, `Old ${i}`]);
      const [content] = await rows<{ id: string }>(
        `INSERT INTO copyright_contents (copyright_id, media_type, kind, size_bytes, sha256) VALUES ($1, 'text/plain', 'text', 1, md5(random()::text)) RETURNING id`,
        [work.id],
      );
      const { fingerprints } = winnow(text);
      // A hash near 2^53 as well: the packed int8 must keep every bit.
      if (i === 0) fingerprints[0] = { ...fingerprints[0], hash: Number.MAX_SAFE_INTEGER - 2 };
      await rows(
        `INSERT INTO copyright_text_fingerprints (content_id, position, hash, char_start, char_end)
         SELECT $1, unnest($2::int[]), unnest($3::bigint[]), unnest($4::int[]), unnest($5::int[])`,
        [content.id, fingerprints.map((f) => f.position), fingerprints.map((f) => String(f.hash)), fingerprints.map((f) => f.start), fingerprints.map((f) => f.end)],
      );
      contents.push({ id: content.id, fingerprints });
    }

    expect(await runner.up()).toContain(MIGRATION);

    for (const { id, fingerprints } of contents) {
      const [set] = await rows<{ fingerprints: Buffer; index_hashes: string[] }>('SELECT fingerprints, index_hashes FROM copyright_text_fingerprint_sets WHERE content_id = $1', [id]);
      expect(unpackFingerprints(set.fingerprints)).toEqual([...fingerprints].sort((a, b) => a.position - b.position));
      const distinct = [...new Set(fingerprints.map((f) => f.hash))].sort((a, b) => a - b);
      expect(set.index_hashes.map(Number)).toEqual(distinct);
      const postings = await rows<{ hash: string }>('SELECT hash FROM copyright_text_postings WHERE content_id = $1 ORDER BY hash', [id]);
      expect(postings.map((p) => Number(p.hash))).toEqual(distinct);
    }
    // The delete trigger now clears sets and postings.
    await rows('DELETE FROM copyright_contents WHERE id = $1', [contents[1].id]);
    expect(await rows('SELECT 1 FROM copyright_text_postings WHERE content_id = $1', [contents[1].id])).toEqual([]);
    expect(await rows('SELECT 1 FROM copyright_text_fingerprint_sets WHERE content_id = $1', [contents[1].id])).toEqual([]);

    // And back: one row per fingerprint again, the same values.
    expect(await runner.down(steps)).toContain(MIGRATION);
    const back = await rows<{ position: number; hash: string; char_start: number; char_end: number }>(
      'SELECT position, hash, char_start, char_end FROM copyright_text_fingerprints WHERE content_id = $1 ORDER BY position',
      [contents[0].id],
    );
    expect(back.map((r) => ({ hash: Number(r.hash), position: r.position, start: r.char_start, end: r.char_end }))).toEqual(contents[0].fingerprints);
    await rows('DELETE FROM copyright_contents WHERE id = $1', [contents[0].id]);
    expect(await rows('SELECT 1 FROM copyright_text_fingerprints')).toEqual([]);
    expect(await runner.up()).toContain(MIGRATION);
  });
});
