import { Client } from 'pg';
import { analyzeMark, lookalikeKeys, searchKeys } from '../libs/trademarks/src/search/analyzer';
import { COMMON_KEY_RECORDS } from '../libs/trademarks/src/search/trademark-search.repository';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

type Result = { record: { serialNumber: string; mark: string }; score: number; risk: string; reasons: Array<{ kind: string; detail: string }> };
type SearchBody = { results: Result[] };

/** Constructed marks, one group per kind of miss the search must catch (issue 14). */
const SEED: Array<[serial: string, mark: string, classes: number[]]> = [
  ['91000001', 'KRIV', [9]],
  ['91000002', 'QEX', [25]],
  ['91000003', 'STORMVALE', [21]],
  ['91000004', 'DRIFT HOLLOW', [20]],
  ['91000005', 'FORTUNE GATE', [36]],
  ['91000006', 'BOLTRIX', [7]],
  ['91000007', 'QUINCY RIVER TRADING', [35]],
  ['91000008', 'PMW', [24]],
  ['91000009', 'ESPRITA', [3]],
  ['91000010', 'TORVALO', [33]],
  ['91000011', 'KESTREL FOODS', [29]],
  ['91000012', 'HARROWGATE', [16]],
  // The initials of QUILLON FARROW (and of the QQ... FOODS filler: #qf is a crowded key).
  ['91000013', 'QF', [29]],
];

/** Filler records that make KESTREL and FOODS crowded words (their sound codes carried by more than COMMON_KEY_RECORDS records). */
const CROWDED_FILLER = COMMON_KEY_RECORDS + 100;

describe('Clearance search: the kinds of miss (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let ada: Tokens;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(`
      INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
      SELECT 'g' || i, 'GENMARK ' || md5(i::text), 'genmark ' || md5(i::text), ARRAY['G' || (i % 5000)::text], true, ARRAY[(i % 45) + 1], 'test'
        FROM generate_series(1, 5000) AS i`);
    // KESTREL ... and ... FOODS marks (with made-up second words), keyed as the importer keys them:
    // the registry statistics then count both words as crowded, and the search gives them no branch alone.
    const filler = Array.from({ length: 2 * CROWDED_FILLER }, (_, i) => {
      const coined = i.toString(36).replace(/[0-9]/g, (d) => 'qwxzjvbnmp'[Number(d)]);
      const mark = i % 2 === 0 ? `KESTREL ZZ${coined.toUpperCase()}` : `QQ${coined.toUpperCase()} FOODS`;
      const analysis = analyzeMark(mark);
      return { serial_number: `c${i}`, mark, normalized_mark: analysis.normalized, phonetic_keys: searchKeys(analysis), lookalike_keys: lookalikeKeys(analysis) };
    });
    await pg.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, lookalike_keys, live, classes, source)
       SELECT x.serial_number, x.mark, x.normalized_mark, x.phonetic_keys, x.lookalike_keys, true, ARRAY[29], 'test'
         FROM json_populate_recordset(NULL::trademark_records, $1::json) AS x`,
      [JSON.stringify(filler)],
    );
    // Keyed as the importer keys them (MarkKeysProvider).
    for (const [serial, mark, classes] of SEED) {
      const analysis = analyzeMark(mark);
      const lookalike = lookalikeKeys(analysis);
      await pg.query(
        `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, lookalike_keys, live, status_code, classes, source)
         VALUES ($1, $2, $3, $4, $5, true, '700', $6, 'test')`,
        [serial, mark, analysis.normalized, searchKeys(analysis), lookalike.length > 0 ? lookalike : null, classes],
      );
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

  async function topOf(mark: string, classes: number[]): Promise<Result[]> {
    const res = await api.call('POST', '/v1/trademarks/searches', { body: { mark, classes }, token: ada.accessToken });
    expect(res.status).toBe(201);
    const results = (res.body as unknown as SearchBody).results;
    for (const r of results) expect(r.reasons.length).toBeGreaterThan(0);
    return results;
  }

  async function expectFirst(mark: string, classes: number[], serial: string): Promise<Result> {
    const results = await topOf(mark, classes);
    expect(results[0]?.record.serialNumber).toBe(serial);
    expect(results[0].risk).not.toBe('none');
    return results[0];
  }

  it('short marks (2 to 4 letters) one letter apart', async () => {
    await expectFirst('KRIX', [9], '91000001');
    await expectFirst('QEZ', [25], '91000002');
  });

  it('a compound against its split form, with a varied suffix', async () => {
    const r = await expectFirst('STORM VALES', [21], '91000003');
    expect(r.reasons.map((x) => x.kind)).toEqual(expect.arrayContaining(['looks-alike']));
    await expectFirst('DRIFTHOLLOWS', [20], '91000004');
  });

  it('numerals inside words and letter/number swaps', async () => {
    await expectFirst('4TUNE GATE', [36], '91000005');
    await expectFirst('B0LTRIX', [7], '91000006');
  });

  it('initials against a longer mark, also when the longer mark adds a word', async () => {
    const r = await expectFirst('QRT', [35], '91000007');
    expect(r.reasons.map((x) => x.kind)).toContain('initials');
    const longer = await expectFirst('PELHAM MOOR WEAVING STUDIO', [24], '91000008');
    expect(longer.reasons.map((x) => x.kind)).toContain('initials');
  });

  it('an initials record for a longer mark whose initials are crowded (the record that is exactly those initials)', async () => {
    const [count] = (await pg.query<{ records: number }>(`SELECT records FROM trademark_key_stats WHERE key = '#qf'`)).rows;
    expect(count.records).toBeGreaterThan(COMMON_KEY_RECORDS);
    for (const query of ['QUILLON FARROW', 'QUILLON FARROW CANDLES']) {
      const results = await topOf(query, [29]);
      const qf = results.find((r) => r.record.serialNumber === '91000013');
      expect(qf?.reasons.map((x) => x.kind)).toContain('initials');
      expect(qf?.risk).toBe('high');
    }
  });

  it('a crowded initialism still meets the longer marks it abbreviates in the searched class', async () => {
    const [count] = (await pg.query<{ records: number }>(`SELECT records FROM trademark_key_stats WHERE key = '#kz'`)).rows;
    expect(count.records).toBeGreaterThan(COMMON_KEY_RECORDS);
    const longer = (await topOf('KZ', [29])).filter((r) => r.reasons.some((x) => x.kind === 'initials'));
    expect(longer.length).toBeGreaterThan(0);
    for (const r of longer) expect(r.record.mark).toMatch(/^KESTREL ZZ\S*$/);
  });

  it('a long mark of crowded words, one of them mistyped, by the pair of its words (no trigram scan)', async () => {
    const counts = (await pg.query<{ key: string; records: number }>(`SELECT key, records FROM trademark_key_stats WHERE key IN ('KSTRL', 'FT')`)).rows;
    expect(counts.map((c) => c.records)).toEqual([expect.any(Number), expect.any(Number)]);
    for (const c of counts) expect(c.records).toBeGreaterThan(COMMON_KEY_RECORDS);
    await expectFirst('KSETREL FOODS', [29], '91000011');
    // With a word the record lacks, the whole mark's sound differs: only the pair of crowded words
    // (by their look-alike word keys, then by their sound codes) brings the record in.
    await expectFirst('KSETREL FOODS NORTH', [29], '91000011');
    await expectFirst('CASTREL FOODS NORTH', [29], '91000011');
  });

  it('a long single word one letter off, by its whole-word keys', async () => {
    await expectFirst('HAROWGATE', [16], '91000012');
    await expectFirst('HARROWGATES', [16], '91000012');
  });

  it("elided and foreign articles (L', LE, LA, IL, EL, THE) in front of a sound-alike word", async () => {
    await expectFirst("L'ESPRITTA", [3], '91000009');
    await expectFirst('EL TORVALLO', [33], '91000010');
    await expectFirst('THE TORVALO', [33], '91000010');
  });
});
