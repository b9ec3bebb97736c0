import { resolve } from 'node:path';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { JobsService } from '@app/jobs';
import { RegistryImportService, RegistryReanalyzeService } from '@app/trademarks';
import { analyzeMark, ANALYZER_VERSION, decodeAnalysis, lookalikeKeys, searchKeys } from '../libs/trademarks/src/search/analyzer';
import { queryCandidates } from '../libs/trademarks/src/search/trademark-search.repository';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const SAMPLE = resolve(__dirname, '../data/registry/sample-daily.xml');

/** The stored analyses (trademark_mark_analyses): written at import, backfilled by registry:reanalyze, read by the search. */
describe('stored mark analyses (e2e, real migrations)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Sequelize;
  let importer: RegistryImportService;
  let reanalyzer: RegistryReanalyzeService;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url });
    importer = t.app.get(RegistryImportService);
    reanalyzer = t.app.get(RegistryReanalyzeService);
    sql = new Sequelize(db.url, { logging: false });
  });

  afterAll(async () => {
    await t?.close();
    await sql?.close();
    await db?.drop();
  });

  async function scalar(query: string): Promise<number> {
    const [row] = await sql.query<{ n: string }>(query, { type: QueryTypes.SELECT });
    return Number(row.n);
  }

  const withMark = `SELECT count(*) AS n FROM trademark_records WHERE mark ~ '\\S'`;
  const current = `SELECT count(*) AS n FROM trademark_mark_analyses WHERE version = ${ANALYZER_VERSION}`;

  it('the import stores the analysis of every record with a mark, in a form that decodes to the analyzer’s', async () => {
    await sql.query('TRUNCATE trademark_records');
    const summary = await importer.importFile(SAMPLE);
    expect(summary.inserted).toBeGreaterThan(1000);
    const marked = await scalar(withMark);
    expect(marked).toBeGreaterThan(1000);
    expect(await scalar(current)).toBe(marked);
    expect(await scalar('SELECT count(*) AS n FROM trademark_mark_analyses a LEFT JOIN trademark_records r ON r.id = a.record_id WHERE r.id IS NULL')).toBe(0);
    const rows = await sql.query<{ mark: string; normalized_mark: string; analysis: string }>(
      'SELECT r.mark, r.normalized_mark, a.analysis FROM trademark_records r JOIN trademark_mark_analyses a ON a.record_id = r.id',
      { type: QueryTypes.SELECT },
    );
    for (const row of rows) expect(decodeAnalysis(row.analysis, row.normalized_mark)).toEqual(analyzeMark(row.mark));
    // A re-import writes nothing, and a finished registry has nothing to reanalyze.
    expect(await importer.importFile(SAMPLE)).toMatchObject({ inserted: 0, updated: 0 });
    expect(await reanalyzer.reanalyze()).toMatchObject({ analyzed: 0, rekeyed: 0, total: 0 });
  });

  it('the import leaves the registry’s GIN indexes without pending entries, and the registry analyzed', async () => {
    await sql.query('TRUNCATE trademark_records');
    expect(await scalar(`SELECT reltuples AS n FROM pg_class WHERE oid = 'trademark_records'::regclass`)).toBeLessThan(1);
    expect((await importer.importFile(SAMPLE)).inserted).toBeGreaterThan(1000);
    // gin_clean_pending_list returns the pending-list pages it moved: none are left after an import.
    const pending = await scalar(
      `SELECT COALESCE(sum(gin_clean_pending_list(i.indexrelid)), 0) AS n
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE i.indrelid = 'trademark_records'::regclass AND am.amname = 'gin'`,
    );
    expect(pending).toBe(0);
    expect(await scalar(`SELECT reltuples AS n FROM pg_class WHERE oid = 'trademark_records'::regclass`)).toBeGreaterThan(1000);
  });

  it('reanalyze backfills missing and stale analyses and old keys in batches, and resumes after a stop', async () => {
    // Records as an older version left them: half without an analysis, a tenth with a stale one, some with old keys.
    await sql.query(`DELETE FROM trademark_mark_analyses WHERE record_id IN (SELECT id FROM trademark_records WHERE mark ~ '\\S' ORDER BY serial_number LIMIT 1000)`);
    await sql.query(`UPDATE trademark_mark_analyses SET version = ${ANALYZER_VERSION - 1}, analysis = '[]' WHERE record_id IN (SELECT id FROM trademark_records WHERE mark ~ '\\S' ORDER BY serial_number DESC LIMIT 200)`);
    await sql.query(`UPDATE trademark_records SET phonetic_keys = '{}', lookalike_keys = NULL WHERE serial_number IN (SELECT serial_number FROM trademark_records WHERE mark ~ '\\S' ORDER BY serial_number LIMIT 50)`);
    const missing = await scalar(withMark) - (await scalar(current));
    expect(missing).toBe(1200);

    // A run stopped after its third batch keeps what those batches stored.
    let batches = 0;
    let rekeyedBeforeStop = 0;
    await expect(
      reanalyzer.reanalyze({
        batchSize: 100,
        onProgress: (p) => {
          batches += 1;
          rekeyedBeforeStop = p.rekeyed;
          if (batches === 3) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await scalar(withMark) - (await scalar(current))).toBe(missing - 300);

    const progress: number[] = [];
    const rest = await reanalyzer.reanalyze({ batchSize: 100, onProgress: (p) => progress.push(p.analyzed) });
    expect(rest).toMatchObject({ analyzed: missing - 300, total: missing - 300 });
    expect(rekeyedBeforeStop + rest.rekeyed).toBe(50);
    expect(progress).toEqual(Array.from({ length: (missing - 300) / 100 }, (_, i) => (i + 1) * 100));
    expect(await scalar(current)).toBe(await scalar(withMark));
    const rows = await sql.query<{ mark: string; normalized_mark: string; phonetic_keys: string[]; lookalike_keys: string[] | null; analysis: string }>(
      'SELECT r.mark, r.normalized_mark, r.phonetic_keys, r.lookalike_keys, a.analysis FROM trademark_records r JOIN trademark_mark_analyses a ON a.record_id = r.id',
      { type: QueryTypes.SELECT },
    );
    for (const row of rows) {
      const analysis = analyzeMark(row.mark);
      expect(decodeAnalysis(row.analysis, row.normalized_mark)).toEqual(analysis);
      expect(row.phonetic_keys).toEqual(searchKeys(analysis));
      expect(row.lookalike_keys ?? []).toEqual(lookalikeKeys(analysis));
    }
    // The key counts followed the re-keyed records.
    expect(await scalar(`SELECT count(*) AS n FROM (SELECT k, count(*) FROM trademark_records, unnest(phonetic_keys) k GROUP BY k
                           EXCEPT SELECT key, records FROM trademark_key_stats WHERE records <> 0) d`)).toBe(0);
    expect(await reanalyzer.reanalyze()).toMatchObject({ analyzed: 0 });
  });

  it('the candidate query carries a record’s current analysis, not a stale one, and deleting records deletes theirs', async () => {
    const [harbor] = await sql.query<{ id: string; mark: string; normalized_mark: string }>(
      `SELECT id, mark, normalized_mark FROM trademark_records WHERE mark ~ '^[A-Z]{5,}$' ORDER BY serial_number LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    const query = { normalized: harbor.normalized_mark, keys: searchKeys(analyzeMark(harbor.mark)), words: [], classes: [], status: 'all' as const };
    const find = () => sql.transaction(async (transaction) => (await queryCandidates(sql, query, transaction)).find((c) => c.normalizedMark === harbor.normalized_mark));
    expect(decodeAnalysis((await find())?.analysis as string, harbor.normalized_mark)).toEqual(analyzeMark(harbor.mark));
    await sql.query(`UPDATE trademark_mark_analyses SET version = ${ANALYZER_VERSION - 1} WHERE record_id = '${harbor.id}'`);
    expect((await find())?.analysis).toBeNull();

    await sql.query(`DELETE FROM trademark_records WHERE id = '${harbor.id}'`);
    expect(await scalar(`SELECT count(*) AS n FROM trademark_mark_analyses WHERE record_id = '${harbor.id}'`)).toBe(0);
    await sql.query('TRUNCATE trademark_records');
    expect(await scalar('SELECT count(*) AS n FROM trademark_mark_analyses')).toBe(0);
  });
  it('runs the candidate query without JIT, parallel workers or sequential scans, and gives the caller’s transaction its settings back', async () => {
    const settingsNow = `SELECT current_setting('jit') AS jit, current_setting('enable_seqscan') AS seqscan, current_setting('max_parallel_workers_per_gather') AS parallel`;
    const run = sql.query.bind(sql) as (text: string, options?: object) => Promise<unknown>;
    const seen: unknown[] = [];
    const spy = jest.spyOn(sql, 'query').mockImplementation((async (text: string, options?: { transaction?: unknown }) => {
      if (typeof text === 'string' && text.includes('DISTINCT ON')) seen.push(...((await run(settingsNow, { type: QueryTypes.SELECT, transaction: options?.transaction })) as unknown[]));
      return run(text, options);
    }) as never);
    try {
      const query = { normalized: 'kestrel', keys: searchKeys(analyzeMark('KESTREL')), words: [], classes: [], status: 'all' as const };
      const after = await sql.transaction(async (transaction) => {
        await run(`SELECT set_config('jit', 'on', true), set_config('enable_seqscan', 'on', true), set_config('max_parallel_workers_per_gather', '3', true)`, { transaction });
        await queryCandidates(sql, query, transaction);
        return run(settingsNow, { type: QueryTypes.SELECT, transaction });
      });
      expect(seen).toEqual([{ jit: 'off', seqscan: 'off', parallel: '0' }]);
      expect(after).toEqual([{ jit: 'on', seqscan: 'on', parallel: '3' }]);
    } finally {
      spy.mockRestore();
    }
  });

  it('the registry-reanalyze job brings an upgraded registry current without an operator, a bounded share per tick, then does nothing', async () => {
    const jobs = t.app.get(JobsService);
    expect(jobs.definitions().find((d) => d.name === 'registry-reanalyze')).toMatchObject({ schedule: '*/5 * * * *' });
    // Records as the registry held them before the analyses existed: none stored, no look-alike keys, some with old keys.
    await sql.query('TRUNCATE trademark_records');
    await importer.importFile(SAMPLE);
    await sql.query('DELETE FROM trademark_mark_analyses');
    await sql.query('UPDATE trademark_records SET lookalike_keys = NULL');
    await sql.query(`UPDATE trademark_records SET phonetic_keys = '{}' WHERE serial_number IN (SELECT serial_number FROM trademark_records WHERE mark ~ '\\S' ORDER BY serial_number LIMIT 30)`);
    const marked = await scalar(withMark);
    expect(await scalar(current)).toBe(0);

    // A bounded run stops after its batches and says it is not done; the job continues from there.
    expect(await reanalyzer.reanalyze({ batchSize: 100, maxBatches: 2 })).toMatchObject({ analyzed: 200, total: marked, done: false });
    const first = await jobs.runNow('registry-reanalyze');
    expect(first).toMatchObject({ status: 'ran', run: { outcome: 'success', details: { analyzed: marked - 200, remaining: 0 } } });
    expect(await scalar(current)).toBe(marked);
    expect(await scalar(`SELECT count(*) AS n FROM trademark_records WHERE mark ~ '\\S' AND lookalike_keys IS NOT NULL`)).toBeGreaterThan(0);
    const rows = await sql.query<{ mark: string; normalized_mark: string; phonetic_keys: string[]; lookalike_keys: string[] | null; analysis: string }>(
      'SELECT r.mark, r.normalized_mark, r.phonetic_keys, r.lookalike_keys, a.analysis FROM trademark_records r JOIN trademark_mark_analyses a ON a.record_id = r.id',
      { type: QueryTypes.SELECT },
    );
    expect(rows).toHaveLength(marked);
    for (const row of rows) {
      const analysis = analyzeMark(row.mark);
      expect(decodeAnalysis(row.analysis, row.normalized_mark)).toEqual(analysis);
      expect(row.phonetic_keys).toEqual(searchKeys(analysis));
      expect(row.lookalike_keys ?? []).toEqual(lookalikeKeys(analysis));
    }

    // Everything current: the next tick writes nothing and is recorded as skipped.
    const [before] = await sql.query<{ xmin: string }>(`SELECT string_agg(xmin::text, ',' ORDER BY record_id) AS xmin FROM trademark_mark_analyses`, { type: QueryTypes.SELECT });
    const second = await jobs.runNow('registry-reanalyze');
    expect(second).toMatchObject({ status: 'ran', run: { outcome: 'skipped', details: { analyzed: 0, rekeyed: 0, remaining: 0 } } });
    const [after] = await sql.query<{ xmin: string }>(`SELECT string_agg(xmin::text, ',' ORDER BY record_id) AS xmin FROM trademark_mark_analyses`, { type: QueryTypes.SELECT });
    expect(after.xmin).toBe(before.xmin);
  });
});
