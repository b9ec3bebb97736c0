import { Client } from 'pg';
import { analyzeMark, encodeAnalysis, lookalikeKeys, searchKeys } from '../libs/trademarks/src/search/analyzer';
import { COMMON_KEY_RECORDS } from '../libs/trademarks/src/search/trademark-search.repository';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

type Result = { record: { serialNumber: string; mark: string }; score: number; risk: string; reasons: Array<{ kind: string; detail: string }> };
type SearchBody = { results: Result[] };

/** Constructed marks of every shape, live and dead, each searched exactly as registered (issue 14). */
const SEED: Array<[serial: string, mark: string, classes: number[], live: boolean]> = [
  ['92000001', 'VORTELLIX', [9], true],
  ['92000002', 'BRAMBLE QUILLON', [25], true],
  ['92000003', 'KESTREL VOMARIX', [29], true],
  ['92000004', 'SILVERTHORNE MEADOWLARK TRADING COMPANY', [35], true],
  ['92000005', 'ORVANE FOODS S.A.', [29], true],
  // Look-alikes of each other: each is still first for its own mark.
  ['92000010', 'MIST', [9], true],
  ['92000011', 'MINT', [9], true],
  ['92000012', 'SIERRA', [9], true],
  ['92000013', 'SIERRA SIERRA', [9], true],
  ['92000014', 'TRELQUINS', [3], true],
  // Dead records: an identical mark is shown first whatever its risk (TRELQUIN beside the live TRELQUINS).
  ['92000006', 'STUSOMOON LOGIC', [9, 42], false],
  ['92000007', 'TRELQUIN', [3], false],
  ['92000008', 'KESTREL FOODS GROUP', [30], false],
  ['92000009', "L'ORVELINE", [14], false],
];

/** Filler records that make KESTREL and FOODS crowded words (sound codes on more than COMMON_KEY_RECORDS records). */
const CROWDED_FILLER = COMMON_KEY_RECORDS + 100;

describe('Clearance search: a mark searched exactly as registered (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let ada: Tokens;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const keyed = (mark: string) => {
      const analysis = analyzeMark(mark);
      const lookalike = lookalikeKeys(analysis);
      return { mark, normalized_mark: analysis.normalized, phonetic_keys: searchKeys(analysis), lookalike_keys: lookalike.length > 0 ? lookalike : null };
    };
    const filler = Array.from({ length: 2 * CROWDED_FILLER }, (_, i) => {
      const coined = i.toString(36).replace(/[0-9]/g, (d) => 'qwxzjvbnmp'[Number(d)]);
      return { serial_number: `e${i}`, ...keyed(i % 2 === 0 ? `KESTREL ZZ${coined.toUpperCase()}` : `QQ${coined.toUpperCase()} FOODS`) };
    });
    await pg.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, lookalike_keys, live, status_code, classes, source)
       SELECT x.serial_number, x.mark, x.normalized_mark, x.phonetic_keys, x.lookalike_keys, true, '700', ARRAY[29], 'test'
         FROM json_populate_recordset(NULL::trademark_records, $1::json) AS x`,
      [JSON.stringify(filler)],
    );
    // Keyed and analyzed as the importer does (MarkKeysProvider, trademark_mark_analyses).
    for (const [serial, mark, classes, live] of SEED) {
      const k = keyed(mark);
      const { rows } = await pg.query<{ id: string }>(
        `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, lookalike_keys, live, status_code, classes, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'test') RETURNING id`,
        [serial, mark, k.normalized_mark, k.phonetic_keys, k.lookalike_keys, live, live ? '700' : '710', classes],
      );
      await pg.query(`INSERT INTO trademark_mark_analyses (record_id, version, analysis) VALUES ($1, $2, $3)`, [rows[0].id, analyzeMark(mark).v, encodeAnalysis(analyzeMark(mark))]);
    }
    await pg.query('ANALYZE trademark_records');
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    ada = await api.register();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await db?.drop();
  });

  async function firstOf(mark: string, classes?: number[]): Promise<Result | undefined> {
    const res = await api.call('POST', '/v1/trademarks/searches', { body: classes ? { mark, classes } : { mark }, token: ada.accessToken });
    expect(res.status).toBe(201);
    const results = (res.body as unknown as SearchBody).results;
    for (const r of results) expect(r.reasons.length).toBeGreaterThan(0);
    return results[0];
  }

  it.each(SEED.filter(([, , , live]) => live))('finds the live record %s (%s) first, without classes and with its own', async (serial, mark, classes) => {
    for (const asked of [undefined, classes]) {
      const first = await firstOf(mark, asked);
      expect(first?.record.serialNumber).toBe(serial);
      expect(first?.reasons.map((r) => r.kind)).toContain('identical');
      expect(first?.risk).toBe('high');
    }
  });

  it.each(SEED.filter(([, , , live]) => !live))('finds the dead record %s (%s) first, also without classes', async (serial, mark, classes) => {
    for (const asked of [undefined, classes]) {
      const first = await firstOf(mark, asked);
      expect(first?.record.serialNumber).toBe(serial);
      expect(first?.reasons.map((r) => r.kind)).toEqual(expect.arrayContaining(['identical', 'dead-record']));
    }
  });

  it('finds marks typed without their punctuation, case or company form', async () => {
    expect((await firstOf('orvane foods'))?.record.serialNumber).toBe('92000005');
    expect((await firstOf('Orvane Foods SA'))?.record.serialNumber).toBe('92000005');
    expect((await firstOf('stusomoon logic'))?.record.serialNumber).toBe('92000006');
    expect((await firstOf('LORVELINE'))?.record.serialNumber).toBe('92000009');
  });

  it('shows an identical record in unrelated classes, and leaves out other marks of risk none', async () => {
    const res = await api.call('POST', '/v1/trademarks/searches', { body: { mark: 'VORTELLIX', classes: [31] }, token: ada.accessToken });
    const results = (res.body as unknown as SearchBody).results;
    expect(results[0]?.record.serialNumber).toBe('92000001');
    expect(results[0].reasons.map((r) => r.kind)).toEqual(expect.arrayContaining(['identical', 'unrelated-class']));
    for (const r of results.slice(1)) expect(r.risk).not.toBe('none');
  });
});
