import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** trademark_key_stats: how many records carry each search key, kept by statement triggers. */
describe('trademark_key_stats (e2e, real migrations)', () => {
  let db: TestDatabase;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await db?.drop();
  });

  beforeEach(async () => {
    await pg.query('TRUNCATE trademark_records');
  });

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await pg.query<{ key: string; records: number }>('SELECT key, records FROM trademark_key_stats WHERE records <> 0 ORDER BY key');
    return Object.fromEntries(rows.map((r) => [r.key, r.records]));
  }

  /** The counts recomputed from the records themselves. */
  async function recounted(): Promise<Record<string, number>> {
    const { rows } = await pg.query<{ key: string; records: number }>(
      'SELECT k AS key, count(*)::int AS records FROM trademark_records, unnest(phonetic_keys) AS k GROUP BY k ORDER BY k',
    );
    return Object.fromEntries(rows.map((r) => [r.key, r.records]));
  }

  async function insert(serial: string, keys: string[]): Promise<void> {
    await pg.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
       VALUES ($1, $1, $1, $2, true, '{}', 'test')`,
      [serial, keys],
    );
  }

  it('counts the keys of inserted records, several per statement', async () => {
    await insert('1', ['KRM', 'SPRT']);
    await pg.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
       SELECT 'g' || i, 'm', 'm', ARRAY['KRM', 'G' || (i % 2)], true, '{}', 'test' FROM generate_series(1, 10) i`,
    );
    expect(await counts()).toEqual({ KRM: 11, SPRT: 1, G0: 5, G1: 5 });
  });

  it('moves the counts when an update changes the keys, and leaves them when it does not', async () => {
    await insert('1', ['KRM', 'SPRT']);
    await insert('2', ['KRM']);
    await pg.query(`UPDATE trademark_records SET phonetic_keys = ARRAY['KRM', 'KRP'] WHERE serial_number = '1'`);
    await pg.query(`UPDATE trademark_records SET owner = 'someone' WHERE serial_number = '2'`);
    expect(await counts()).toEqual({ KRM: 2, KRP: 1 });
  });

  it('follows an upsert (INSERT ... ON CONFLICT DO UPDATE), as the importer writes', async () => {
    await insert('1', ['KRM']);
    await pg.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
       VALUES ('1', 'x', 'x', ARRAY['XRM'], true, '{}', 'test'), ('2', 'y', 'y', ARRAY['XRM'], true, '{}', 'test')
       ON CONFLICT (serial_number) DO UPDATE SET phonetic_keys = excluded.phonetic_keys`,
    );
    expect(await counts()).toEqual({ XRM: 2 });
  });

  it('subtracts deleted records and clears on TRUNCATE', async () => {
    await insert('1', ['KRM']);
    await insert('2', ['KRM', 'SPRT']);
    await pg.query(`DELETE FROM trademark_records WHERE serial_number = '2'`);
    expect(await counts()).toEqual({ KRM: 1 });
    await pg.query('TRUNCATE trademark_records');
    expect(await counts()).toEqual({});
  });

  it('matches a full recount after a mixed workload, and a rolled-back write leaves no trace', async () => {
    await pg.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, classes, source)
       SELECT 's' || i, 'm', 'm', ARRAY['K' || (i % 7), 'L' || (i % 3)], true, '{}', 'test' FROM generate_series(1, 300) i`,
    );
    await pg.query(`UPDATE trademark_records SET phonetic_keys = ARRAY['K' || (length(serial_number) % 4)] WHERE serial_number LIKE 's1%'`);
    await pg.query(`DELETE FROM trademark_records WHERE serial_number LIKE 's2%'`);
    await pg.query('BEGIN');
    await insert('rolled-back', ['NEVER']);
    await pg.query('ROLLBACK');
    expect(await counts()).toEqual(await recounted());
  });
});
