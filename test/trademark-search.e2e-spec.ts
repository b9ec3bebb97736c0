import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { candidateSql, normalizeMark, phoneticKeys, prepareQuery } from '../libs/trademarks/src/search';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

type Reason = { kind: string; detail: string };
type Result = { record: { serialNumber: string; mark: string; live: boolean; classes: number[] }; score: number; risk: string; reasons: Reason[] };
type SearchBody = { id: string; query: string; risk: string; tookMs: number; results: Result[] };

const SEED: Array<[serial: string, mark: string, classes: number[], live: boolean]> = [
  ['90000001', 'KWIK REWARDS', [35], true],
  ['90000002', 'LIVINGREEN', [31], true],
  ['90000003', 'BLUE HARBORS', [43], true],
  ['90000004', 'FOUR SEASONS', [43], true],
  ['90000005', 'Café Olé, Inc.', [30], false],
  ['90000006', 'ZEBRAFLUX', [9], true],
  ['90000007', 'KWIK REWARDS', [9], false],
  ['90000008', 'FLEET PARCEL', [39], true],
];

describe('POST/GET /v1/trademarks/searches (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let ada: Tokens;
  let bob: Tokens;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    // Enough generated rows that the planner would rather scan than use an index if it could.
    await pg.query(`
      INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
      SELECT 'g' || i, 'GENMARK ' || md5(i::text), 'genmark ' || md5(i::text), ARRAY['G' || (i % 5000)::text], i % 3 <> 0, ARRAY[(i % 45) + 1], 'test'
        FROM generate_series(1, 20000) AS i`);
    for (const [serial, mark, classes, live] of SEED) {
      await pg.query(
        `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, status_code, classes, source, filing_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'test', '2020-01-02')`,
        [serial, mark, normalizeMark(mark), phoneticKeys(mark), live, live ? '700' : '710', classes],
      );
    }
    await pg.query('ANALYZE trademark_records');
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    ada = await api.register();
    bob = await api.register();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await db?.drop();
  });

  async function search(body: Record<string, unknown>, tokens = ada): Promise<SearchBody> {
    const res = await api.call('POST', '/v1/trademarks/searches', { body, token: tokens.accessToken });
    expect(res.status).toBe(201);
    return res.body as unknown as SearchBody;
  }

  const find = (body: SearchBody, serial: string): Result | undefined => body.results.find((r) => r.record.serialNumber === serial);
  const kinds = (r: Result | undefined): string[] => (r?.reasons ?? []).map((x) => x.kind);

  it('requires a valid access token', async () => {
    expect((await api.call('POST', '/v1/trademarks/searches', { body: { mark: 'X' } })).status).toBe(401);
    expect((await api.call('GET', '/v1/trademarks/searches')).status).toBe(401);
  });

  it('finds a sound-alike on one distinctive word: QUICK finds KWIK REWARDS, live first', async () => {
    // includeNone: the dead record in an unrelated class falls in the `none` band.
    const body = await search({ mark: 'QUICK', classes: [35], includeNone: true });
    expect(body.query).toBe('QUICK');
    expect(body.tookMs).toEqual(expect.any(Number));
    const live = find(body, '90000001');
    const dead = find(body, '90000007');
    expect(live).toBeDefined();
    expect(kinds(live)).toEqual(expect.arrayContaining(['sounds-alike', 'same-class']));
    expect(['high', 'medium', 'low']).toContain(live?.risk);
    expect(kinds(dead)).toContain('dead-record');
    expect(body.results.indexOf(live as Result)).toBeLessThan(body.results.indexOf(dead as Result));
    expect(body.risk).toBe(live?.risk);
    expect(body.results.every((r) => r.reasons.length > 0)).toBe(true);
    const shown = await search({ mark: 'QUICK', classes: [35] });
    expect(shown.results.every((r) => r.risk !== 'none')).toBe(true);
  });

  it('treats word order and spacing changes as conflicts: GREEN LIVING finds LIVINGREEN', async () => {
    const body = await search({ mark: 'GREEN LIVING', classes: [31] });
    const hit = find(body, '90000002');
    expect(hit).toBeDefined();
    expect(kinds(hit)).toEqual(expect.arrayContaining(['looks-alike', 'same-class']));
    expect(hit?.risk).toBe('high');
  });

  it('finds close English synonyms (WordNet): SWIFT PARCEL finds FLEET PARCEL', async () => {
    const body = await search({ mark: 'SWIFT PARCEL', classes: [39] });
    const hit = find(body, '90000008');
    expect(hit?.reasons.map((r) => r.detail).join(' ')).toMatch(/SWIFT and FLEET are synonyms/);
    expect(hit?.risk).toBe('high');
  });

  it('finds plurals, numerals, diacritics and legal suffixes, with reasons', async () => {
    const plural = await search({ mark: 'BLUE HARBOR', classes: [43] });
    expect(find(plural, '90000003')?.risk).toBe('high');
    const numeral = await search({ mark: '4 SEASONS', classes: [43] });
    expect(kinds(find(numeral, '90000004'))).toContain('identical');
    const cafe = await search({ mark: 'cafe ole', classes: [35], status: 'all' });
    expect(kinds(find(cafe, '90000005'))).toEqual(expect.arrayContaining(['identical', 'related-class', 'dead-record']));
  });

  it('filters by status', async () => {
    const live = await search({ mark: 'KWIK REWARDS', status: 'live' });
    expect(live.results.every((r) => r.record.live)).toBe(true);
    expect(find(live, '90000001')).toBeDefined();
    const dead = await search({ mark: 'KWIK REWARDS', status: 'dead', includeNone: true });
    expect(dead.results.map((r) => r.record.serialNumber)).toEqual(['90000007']);
  });

  it('answers no risk for an unrelated mark', async () => {
    const body = await search({ mark: 'OCTOPLANKTON', classes: [5] });
    expect(body.risk).toBe('none');
  });

  it('stores every search with a log row, lists the history in pages, and hides it from other users', async () => {
    const mine = await search({ mark: 'ZEBRA FLUX', classes: [9] });
    expect(find(mine, '90000006')).toBeDefined();
    const logs = await pg.query('SELECT action, entity_id FROM trademark_logs WHERE user_id = $1 AND entity_id = $2', [ada.user.id, mine.id]);
    expect(logs.rows).toEqual([{ action: 'search.create', entity_id: mine.id }]);

    const got = await api.call('GET', `/v1/trademarks/searches/${mine.id}`, { token: ada.accessToken });
    expect(got.status).toBe(200);
    expect((got.body as unknown as SearchBody).results).toEqual(mine.results);

    const first = await api.call('GET', '/v1/trademarks/searches?limit=2', { token: ada.accessToken });
    expect(first.status).toBe(200);
    const page1 = first.body as unknown as { data: Array<{ id: string }>; nextCursor: string };
    expect(page1.data[0].id).toBe(mine.id);
    expect(page1.data).toHaveLength(2);
    const second = await api.call('GET', `/v1/trademarks/searches?limit=100&cursor=${page1.nextCursor}`, { token: ada.accessToken });
    const page2 = second.body as unknown as { data: Array<{ id: string }>; nextCursor: string | null };
    expect(page2.nextCursor).toBeNull();
    expect(page2.data.map((s) => s.id)).not.toContain(mine.id);

    expect((await api.call('GET', `/v1/trademarks/searches/${mine.id}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api.call('GET', `/v1/trademarks/searches/${randomUUID()}`, { token: ada.accessToken })).status).toBe(404);
    const bobs = await api.call('GET', '/v1/trademarks/searches', { token: bob.accessToken });
    expect((bobs.body as unknown as { data: unknown[] }).data).toEqual([]);
  });

  it.each([
    ['an empty mark', { mark: '   ' }, 'mark'],
    ['a mark over 200 characters', { mark: 'A'.repeat(201) }, 'mark'],
    ['a class above 45', { mark: 'ACME', classes: [46] }, 'classes'],
    ['a class below 1', { mark: 'ACME', classes: [0] }, 'classes'],
    ['an unknown status', { mark: 'ACME', status: 'pending' }, 'status'],
  ])('refuses %s with a validation problem', async (_name, body, field) => {
    const res = await api.call('POST', '/v1/trademarks/searches', { body, token: ada.accessToken });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((res.body as unknown as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
  });

  it('reads the registry through indexes only (no sequential scan) for the candidate query', async () => {
    const q = prepareQuery('QUICK REWARDS LIVING', [35]);
    const { sql, bind } = candidateSql({ normalized: q.normalized, keys: q.keys, words: q.words, classes: [35], status: 'live' });
    const pgSql = sql.replace(/\$(\d+)::/g, '$$$1::');
    await pg.query('BEGIN');
    try {
      await pg.query("SELECT set_config('pg_trgm.similarity_threshold', '0.3', true)");
      const plan = await pg.query(`EXPLAIN ${pgSql}`, bind);
      const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Bitmap Index Scan on trademark_records_normalized_mark_trgm_idx/);
      expect(text).toMatch(/Bitmap Index Scan on trademark_records_keys_classes_gin_idx/);
      expect(text).not.toMatch(/Seq Scan on trademark_records/);
    } finally {
      await pg.query('ROLLBACK');
    }
  });

  it('reads a crowded initialism among the searched classes in one index scan of key and classes, never by a BitmapAnd', async () => {
    await pg.query('BEGIN');
    try {
      // An initialism carried by thousands of records across all classes, as in a registry of millions.
      await pg.query(`
        INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
        SELECT 'c' || i, 'CROWD MARK ' || i, 'crowd mark ' || i, ARRAY['#cm'], true, ARRAY[(i % 45) + 1], 'test'
          FROM generate_series(1, 20000) AS i`);
      await pg.query('ANALYZE trademark_records');
      await pg.query("SELECT set_config('pg_trgm.similarity_threshold', '0.3', true), set_config('enable_seqscan', 'off', true)");
      // A look-alike key no record carries, so that no trigram scan brings other classes' rows in.
      const { sql, bind } = candidateSql({ normalized: 'crowd mark', keys: [], words: [], lookalikeKeys: ['zzzz'], crowdedExactKeys: ['#cm'], classes: [9], status: 'all' });
      const plan = await pg.query(`EXPLAIN ${sql.replace(/\$(\d+)::/g, '$$$1::')}`, bind);
      const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Bitmap Index Scan on trademark_records_keys_classes_gin_idx/);
      expect(text).toMatch(/Index Cond: \(\(phonetic_keys && '\{#cm\}'::text\[\]\) AND \(classes && '\{9\}'::integer\[\]\)\)/);
      expect(text).not.toMatch(/BitmapAnd/);
      const rows = await pg.query(sql.replace(/\$(\d+)::/g, '$$$1::'), bind);
      expect(rows.rows.length).toBeGreaterThan(0);
      expect(rows.rows.every((r: { classes: number[] }) => r.classes.includes(9))).toBe(true);
    } finally {
      await pg.query('ROLLBACK');
    }
  });
});
