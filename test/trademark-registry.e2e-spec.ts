import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { RegistryImportService, type ImportSummary } from '@app/trademarks';
import { TrademarkRecordsRepository } from '../libs/trademarks/src/registry/trademark-records.repository';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const SAMPLE = resolve(__dirname, '../data/registry/sample-daily.xml');
const BROKEN = resolve(__dirname, 'fixtures/registry/sample-daily-broken.xml');

function caseFile(serial: string, fields: { mark: string; statusCode: string; statusDate: string; owner?: string; classCode?: string }): string {
  return (
    `<case-file><serial-number>${serial}</serial-number><registration-number>0000000</registration-number>` +
    `<case-file-header><filing-date>20200101</filing-date><status-code>${fields.statusCode}</status-code><status-date>${fields.statusDate}</status-date>` +
    `<mark-identification>${fields.mark}</mark-identification></case-file-header>` +
    `<classifications><classification><international-code>${fields.classCode ?? '025'}</international-code></classification></classifications>` +
    `<case-file-owners><case-file-owner><party-type>10</party-type><party-name>${fields.owner ?? 'ACME INC.'}</party-name></case-file-owner></case-file-owners></case-file>`
  );
}

function dailyFile(...caseFiles: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<trademark-applications-daily><application-information><file-segments><action-keys>\n${caseFiles.join('\n')}\n</action-keys></file-segments></application-information></trademark-applications-daily>\n`;
}

describe('registry import and /v1/trademarks records and classes (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Sequelize;
  let importer: RegistryImportService;
  let api: ReturnType<typeof client>;
  let user: Tokens;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    importer = t.app.get(RegistryImportService);
    sql = new Sequelize(db.url, { logging: false });
    api = client(t.url);
    user = await api.register();
    dir = await mkdtemp(join(tmpdir(), 'clearmark-registry-'));
  });

  afterAll(async () => {
    await t?.close();
    await sql?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function count(where = 'true'): Promise<number> {
    const [row] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM trademark_records WHERE ${where}`, { type: QueryTypes.SELECT });
    return Number(row.n);
  }

  async function lastChange(): Promise<string> {
    const [row] = await sql.query<{ at: string }>(`SELECT max(updated_at)::text AS at FROM trademark_records`, { type: QueryTypes.SELECT });
    return row.at;
  }

  async function record(serial: string): Promise<Record<string, unknown>> {
    const [row] = await sql.query<Record<string, unknown>>(
      `SELECT mark, normalized_mark, phonetic_keys, status_code, live, status_date::text, owner, classes, source, updated_at::text
         FROM trademark_records WHERE serial_number = :serial`,
      { type: QueryTypes.SELECT, replacements: { serial } },
    );
    return row;
  }

  async function importText(name: string, text: string): Promise<ImportSummary> {
    const path = join(dir, name);
    await writeFile(path, text);
    return importer.importFile(path);
  }

  describe('USPTO XML', () => {
    it('imports the 2,000 case-files of the shipped sample with their search keys, and re-imports nothing', async () => {
      const progress: number[] = [];
      const first = await importer.importFile(SAMPLE, { batchSize: 500, onProgress: (p) => progress.push(p.records) });
      expect(first).toMatchObject({ format: 'xml', read: 2000, inserted: 2000, updated: 0, unchanged: 0, rejectedCount: 0, truncated: false, fileProblem: null });
      expect(progress).toEqual([500, 1000, 1500, 2000, 2000]);
      expect(await count()).toBe(2000);
      expect(await record('97000000')).toMatchObject({
        mark: 'VELVET',
        normalized_mark: expect.any(String),
        status_code: '800',
        live: true,
        status_date: '2021-02-18',
        owner: 'VELVET GMBH',
        classes: [35],
        source: 'uspto-xml:sample-daily.xml',
      });
      expect((await record('97000000')).phonetic_keys).not.toEqual([]);
      // Live follows the status code: 6xx from 630 pending, 700 and 800 registered; 602/606, 710/712 and 900 dead.
      expect(await count(`live <> (status_code IN ('630','641','680','686','688','700','800'))`)).toBe(0);

      const before = await lastChange();
      const again = await importer.importFile(SAMPLE);
      expect(again).toMatchObject({ read: 2000, inserted: 0, updated: 0, unchanged: 2000, rejectedCount: 0 });
      expect(await lastChange()).toBe(before);
      expect(await count()).toBe(2000);
    });

    it('imports every good record of the broken sample, reports each bad one and the truncation, and is idempotent', async () => {
      // Its serial numbers overlap the good sample's: start from an empty registry to count exactly.
      await sql.query('TRUNCATE trademark_records');
      const rejected: unknown[] = [];
      const summary = await importer.importFile(BROKEN, { batchSize: 50, onRejected: (r) => rejected.push(r) });
      const badClass = 'invalid Nice class "999" (1 to 45 expected)';
      const expected = [
        { position: 4, serialNumber: '97000111', reason: badClass },
        { position: 6, serialNumber: null, reason: 'missing serial number' },
        { position: 93, serialNumber: '97003404', reason: badClass },
        { position: 103, serialNumber: null, reason: 'missing serial number' },
        { position: 182, serialNumber: '97006697', reason: badClass },
        { position: 200, serialNumber: null, reason: 'missing serial number' },
        { position: 271, serialNumber: '97009990', reason: badClass },
        { position: 297, serialNumber: null, reason: 'missing serial number' },
      ];
      expect(rejected).toEqual(expected);
      expect(summary).toMatchObject({
        read: 292,
        rejectedCount: 8,
        rejected: expected,
        truncated: true,
        fileProblem: 'the file ends inside case-file #301 (serial 97999999); that record is not imported',
      });
      expect(summary).toMatchObject({ inserted: 292, updated: 0, unchanged: 0 });
      expect(await count()).toBe(292);
      expect(await count(`serial_number IN ('97000111', '97003404', '97999999')`)).toBe(0);

      const last = await lastChange();
      const again = await importer.importFile(BROKEN);
      expect(again).toMatchObject({ read: 292, inserted: 0, updated: 0, unchanged: 292, rejectedCount: 8, truncated: true });
      expect(await lastChange()).toBe(last);
      const runs = await sql.query<{ details: Record<string, unknown> }>(
        `SELECT details FROM trademark_logs WHERE action = 'registry.import' AND entity_id = 'sample-daily-broken.xml' ORDER BY created_at`,
        { type: QueryTypes.SELECT },
      );
      expect(runs.map((r) => r.details)).toEqual([
        expect.objectContaining({ format: 'xml', read: 292, inserted: 292, rejectedCount: 8, truncated: true, rejected: expected }),
        expect.objectContaining({ read: 292, inserted: 0, unchanged: 292 }),
      ]);
    });

    it('replaces a record by a newer one (later status date) and never by an older one', async () => {
      const serial = '98100001';
      await importText('v1.xml', dailyFile(caseFile(serial, { mark: 'NORTHWIND', statusCode: '630', statusDate: '20240101' })));
      const v1 = await record(serial);
      expect(v1).toMatchObject({ mark: 'NORTHWIND', status_code: '630', live: true, source: 'uspto-xml:v1.xml' });

      const newer = await importText('v2.xml', dailyFile(caseFile(serial, { mark: 'NORTHWIND', statusCode: '606', statusDate: '20250301', owner: 'ZEPHYR LLC' })));
      expect(newer).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
      const v2 = await record(serial);
      expect(v2).toMatchObject({ status_code: '606', live: false, status_date: '2025-03-01', owner: 'ZEPHYR LLC', source: 'uspto-xml:v2.xml' });
      expect(v2.updated_at).not.toBe(v1.updated_at);

      const older = await importText('v0.xml', dailyFile(caseFile(serial, { mark: 'OLD NAME', statusCode: '630', statusDate: '20230101' })));
      expect(older).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
      expect(await record(serial)).toEqual(v2);

      // The same case twice in one file: the more recent one is stored.
      const twice = await importText(
        'twice.xml',
        dailyFile(
          caseFile('98100002', { mark: 'LATER', statusCode: '700', statusDate: '20250102' }),
          caseFile('98100002', { mark: 'EARLIER', statusCode: '630', statusDate: '20240102' }),
        ),
      );
      expect(twice).toMatchObject({ read: 2, inserted: 1, unchanged: 1 });
      expect(await record('98100002')).toMatchObject({ mark: 'LATER', status_code: '700' });
    });

    it('imports each .xml file of a zip archive in name order, reporting bad records with their file', async () => {
      await sql.query('TRUNCATE trademark_records');
      const zip = resolve(__dirname, 'fixtures/registry/daily.zip');
      const rejected: Array<{ entry?: string; position: number }> = [];
      const summary = await importer.importFile(zip, { onRejected: (r) => rejected.push(r) });
      // daily-a.xml: the first 30 case-files of the sample; daily-b.xml: the broken sample (292 good of 300, cut).
      expect(summary).toMatchObject({ format: 'zip', read: 322, rejectedCount: 8, truncated: true });
      expect(summary.fileProblem).toBe('daily-b.xml: the file ends inside case-file #301 (serial 97999999); that record is not imported');
      expect(rejected.map((r) => `${r.entry}#${r.position}`)).toEqual([4, 6, 93, 103, 182, 200, 271, 297].map((n) => `daily-b.xml#${n}`));
      // Two serial numbers are in both files.
      expect(await count()).toBe(294);
      expect(await count(`source = 'uspto-xml:daily.zip/daily-a.xml'`)).toBeGreaterThan(0);
      const again = await importer.importFile(zip);
      expect(again).toMatchObject({ read: 322, inserted: 0, updated: 0, unchanged: 322 });
    });

    it('reads a ZIP64 archive (zip -fz: 64-bit sizes and offsets) like any other', async () => {
      await sql.query('TRUNCATE trademark_records');
      // The same files as daily.zip, written by Info-ZIP with -fz (ZIP64 records in the directory).
      const zip = resolve(__dirname, 'fixtures/registry/daily64.zip');
      const summary = await importer.importFile(zip);
      expect(summary).toMatchObject({ format: 'zip', read: 322, rejectedCount: 8, truncated: true });
      expect(await count()).toBe(294);
      expect(await count(`source = 'uspto-xml:daily64.zip/daily-b.xml'`)).toBeGreaterThan(0);
    });

    describe('bulk load into an empty registry', () => {
      const indexes = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'trademark_records' ORDER BY indexname`;
      const triggers = `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'trademark_records'::regclass AND NOT tgisinternal ORDER BY tgname`;
      // Every key with its count, from the records and from trademark_key_stats (zero counts left out).
      const recount = `SELECT k AS key, count(*)::integer AS records FROM trademark_records, unnest(phonetic_keys) AS k GROUP BY k ORDER BY k`;
      const stats = `SELECT key, records FROM trademark_key_stats WHERE records <> 0 ORDER BY key`;
      const rows = (query: string) => sql.query(query, { type: QueryTypes.SELECT });
      async function lastRun(): Promise<Record<string, unknown>> {
        const [row] = await sql.query<{ details: Record<string, unknown> }>(`SELECT details FROM trademark_logs WHERE action = 'registry.import' ORDER BY created_at DESC, id DESC LIMIT 1`, {
          type: QueryTypes.SELECT,
        });
        return row.details;
      }

      it('builds the indexes after the load, recounts the keys, and leaves indexes and triggers as the migrations made them', async () => {
        await sql.query('TRUNCATE trademark_records');
        const [indexesBefore, triggersBefore] = [await rows(indexes), await rows(triggers)];
        expect(indexesBefore.length).toBeGreaterThanOrEqual(6);
        const summary = await importer.importFile(SAMPLE, { batchSize: 300 });
        expect(summary).toMatchObject({ read: 2000, inserted: 2000, updated: 0, unchanged: 0 });
        expect(await lastRun()).toMatchObject({ bulk: true });
        expect(await rows(indexes)).toEqual(indexesBefore);
        expect(await rows(triggers)).toEqual(triggersBefore);
        const counted = await rows(recount);
        expect(counted.length).toBeGreaterThan(1000);
        expect(await rows(stats)).toEqual(counted);
        // The next run finds records: batch by batch, with the key-count triggers.
        await importText('one-more.xml', dailyFile(caseFile('97999001', { mark: 'BULKLESS ZEBRA', statusCode: '630', statusDate: '20240101' })));
        expect(await lastRun()).toMatchObject({ bulk: false, inserted: 1 });
        expect(await rows(stats)).toEqual(await rows(recount));
      });

      it('resolves serial numbers repeated across batches and within one as the batch-by-batch upserts do, each stored record with its analysis', async () => {
        await sql.query('TRUNCATE trademark_records');
        const path = join(dir, 'repeats.xml');
        await writeFile(
          path,
          dailyFile(
            // Batches of two: new serial numbers only (straight into the registry)...
            caseFile('98200001', { mark: 'FIRST', statusCode: '630', statusDate: '20240101' }),
            caseFile('98200002', { mark: 'SECOND', statusCode: '630', statusDate: '20240101' }),
            // ...one met before, newer: replaces it...
            caseFile('98200001', { mark: 'FIRST NEWER', statusCode: '700', statusDate: '20250101' }),
            caseFile('98200003', { mark: 'THIRD', statusCode: '630', statusDate: '20240101' }),
            // ...one met before, older: left as stored...
            caseFile('98200002', { mark: 'SECOND OLDER', statusCode: '630', statusDate: '20230101' }),
            caseFile('98200004', { mark: 'FOURTH', statusCode: '630', statusDate: '20240101' }),
            // ...twice in one batch, same date: the later one...
            caseFile('98200005', { mark: 'FIFTH', statusCode: '630', statusDate: '20240101' }),
            caseFile('98200005', { mark: 'FIFTH LATER', statusCode: '630', statusDate: '20240101' }),
            // ...and new ones again.
            caseFile('98200006', { mark: 'SIXTH', statusCode: '630', statusDate: '20240101' }),
            caseFile('98200007', { mark: 'SEVENTH', statusCode: '630', statusDate: '20240101' }),
          ),
        );
        expect(await importer.importFile(path, { batchSize: 2 })).toMatchObject({ read: 10, inserted: 7, updated: 1, unchanged: 2 });
        expect(await lastRun()).toMatchObject({ bulk: true });
        const stored = await sql.query<{ serial_number: string; mark: string; words: string[] }>(
          `SELECT r.serial_number, r.mark, (a.analysis::jsonb -> 0) AS words
             FROM trademark_records r LEFT JOIN trademark_mark_analyses a ON a.record_id = r.id ORDER BY r.serial_number`,
          { type: QueryTypes.SELECT },
        );
        expect(stored).toEqual([
          { serial_number: '98200001', mark: 'FIRST NEWER', words: ['first', 'newer'] },
          { serial_number: '98200002', mark: 'SECOND', words: ['second'] },
          { serial_number: '98200003', mark: 'THIRD', words: ['third'] },
          { serial_number: '98200004', mark: 'FOURTH', words: ['fourth'] },
          { serial_number: '98200005', mark: 'FIFTH LATER', words: ['fifth', 'later'] },
          { serial_number: '98200006', mark: 'SIXTH', words: ['sixth'] },
          { serial_number: '98200007', mark: 'SEVENTH', words: ['seventh'] },
        ]);
        const [analyses] = await sql.query<{ n: string }>('SELECT count(*) AS n FROM trademark_mark_analyses', { type: QueryTypes.SELECT });
        expect(Number(analyses.n)).toBe(7);
        expect(await rows(stats)).toEqual(await rows(recount));
      });

      it('rolls a failed bulk load back whole: the registry stays empty, with its indexes and triggers', async () => {
        await sql.query('TRUNCATE trademark_records');
        const [indexesBefore, triggersBefore] = [await rows(indexes), await rows(triggers)];
        const repository = t.app.get(TrademarkRecordsRepository, { strict: false });
        const openWriter = repository.openWriter.bind(repository);
        const spy = jest.spyOn(repository, 'openWriter').mockImplementationOnce(async () => {
          const writer = await openWriter();
          let batches = 0;
          return {
            ...writer,
            bulk: writer.bulk,
            write: async (batch) => {
              batches += 1;
              if (batches === 3) throw new Error('connection lost in the third batch');
              return writer.write(batch);
            },
          };
        });
        try {
          await expect(importer.importFile(SAMPLE, { batchSize: 300 })).rejects.toThrow('connection lost in the third batch');
        } finally {
          spy.mockRestore();
        }
        expect(await count()).toBe(0);
        expect(await rows(indexes)).toEqual(indexesBefore);
        expect(await rows(triggers)).toEqual(triggersBefore);
        expect(await importer.importFile(SAMPLE)).toMatchObject({ inserted: 2000 });
      });
    });

    it('refuses an unknown extension and a file that is not a zip without touching the registry', async () => {
      await expect(importText('daily.json', '{}')).rejects.toThrow(/unknown registry format ".json"/);
      await expect(importText('daily.zip', 'PK not really')).rejects.toThrow(/not a zip file/);
      // A download cut short has no central directory.
      const whole = await readFile(resolve(__dirname, 'fixtures/registry/daily.zip'));
      await writeFile(join(dir, 'cut.zip'), whole.subarray(0, whole.length - 200));
      await expect(importer.importFile(join(dir, 'cut.zip'))).rejects.toThrow(/cut\.zip: not a zip file, or cut short/);
    });
  });

  describe('CSV', () => {
    const header = 'serial_number,registration_number,mark,status_code,classes,owner,filing_date,goods_services';

    it('imports good rows (quoted fields, ;-separated classes), reports a bad row by position and reason, and re-imports nothing', async () => {
      const text = [
        header,
        '98200001,6123456,"SUNNY, DAYS",700,25;35,"SUNNY ""SD"" LLC",2019-04-01,"Class 25: Shirts, hats"',
        '98200002,,MOONLIGHT,602,9,MOON INC,20180301,',
        ',,NO SERIAL,630,9,X,,',
        '98200004,,STARLIGHT,630,999,STAR CO,,',
        '98200005,,COMET,630,42,COMET LTD,,"Software design\nand development"',
      ].join('\r\n');
      const summary = await importText('registry.csv', `${text}\r\n`);
      expect(summary).toMatchObject({
        format: 'csv',
        read: 3,
        inserted: 3,
        rejectedCount: 2,
        rejected: [
          { position: 3, serialNumber: null, reason: 'missing serial number' },
          { position: 4, serialNumber: '98200004', reason: 'invalid Nice class "999" (1 to 45 expected)' },
        ],
        truncated: false,
      });
      expect(await record('98200001')).toMatchObject({ mark: 'SUNNY, DAYS', live: true, classes: [25, 35], owner: 'SUNNY "SD" LLC', status_date: null, source: 'csv:registry.csv' });
      expect(await record('98200002')).toMatchObject({ mark: 'MOONLIGHT', live: false, classes: [9] });

      const again = await importText('registry.csv', `${text}\r\n`);
      expect(again).toMatchObject({ read: 3, inserted: 0, updated: 0, unchanged: 3, rejectedCount: 2 });
    });

    it('stores every character of a field as written through COPY: backslashes, braces, quotes, accents, line breaks', async () => {
      const row = '98200010,,"BACK\\SLASH {ÉCLAIR} ""Q""",630,9,"O\'NEIL, \\N {CO}",,"line one\n\\.\nline two\ttabbed, \\."';
      const summary = await importText('odd.csv', `${header}\n${row}\n`);
      expect(summary).toMatchObject({ read: 1, inserted: 1, rejectedCount: 0 });
      const [stored] = await sql.query<Record<string, unknown>>(
        `SELECT mark, owner, goods_services, cardinality(phonetic_keys) AS keys FROM trademark_records WHERE serial_number = '98200010'`,
        { type: QueryTypes.SELECT },
      );
      expect(stored).toEqual({
        mark: 'BACK\\SLASH {ÉCLAIR} "Q"',
        owner: "O'NEIL, \\N {CO}",
        goods_services: 'line one \\. line two tabbed, \\.', // the parser folds white space
        keys: expect.any(Number),
      });
      expect(stored.keys).toBeGreaterThan(0);
    });

    it('COPYs a staged field holding line breaks, a lone \\. line, NUL-free control characters and array quotes intact', async () => {
      const repository = t.app.get(TrademarkRecordsRepository, { strict: false });
      const goods = 'first\n\\.\nthird\r\n\tend \\N';
      const counts = await repository.upsertBatch([
        {
          serialNumber: '98200011',
          registrationNumber: null,
          mark: 'A,"B"\\C',
          normalizedMark: 'a b c',
          phoneticKeys: ['#abc', '=wolf', 'K"Q', 'B\\S', 'x,y', '{z}'],
          lookalikeKeys: ['a"b', 'c\\d', '{e}'],
          statusCode: null,
          live: true,
          statusDate: null,
          filingDate: '2020-02-29',
          registrationDate: null,
          owner: null,
          classes: [1, 45],
          goodsServices: goods,
          source: 'test',
          analysis: '[["a,","b\\\\c"],0,[["K\\"Q"]],"{x}",0,0]',
        },
      ]);
      expect(counts).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
      const [analysis] = await sql.query<Record<string, unknown>>(
        `SELECT a.analysis FROM trademark_mark_analyses a JOIN trademark_records r ON r.id = a.record_id WHERE r.serial_number = '98200011'`,
        { type: QueryTypes.SELECT },
      );
      expect(analysis).toEqual({ analysis: '[["a,","b\\\\c"],0,[["K\\"Q"]],"{x}",0,0]' });
      const [stored] = await sql.query<Record<string, unknown>>(
        `SELECT mark, phonetic_keys, lookalike_keys, goods_services, filing_date::text, classes, owner, status_code FROM trademark_records WHERE serial_number = '98200011'`,
        { type: QueryTypes.SELECT },
      );
      expect(stored).toEqual({
        mark: 'A,"B"\\C',
        phonetic_keys: ['#abc', '=wolf', 'K"Q', 'B\\S', 'x,y', '{z}'],
        lookalike_keys: ['a"b', 'c\\d', '{e}'],
        goods_services: goods,
        filing_date: '2020-02-29',
        classes: [1, 45],
        owner: null,
        status_code: null,
      });
    });

    it('never replaces a dated (XML) record by an undated CSV row, and rejects a file without the header', async () => {
      await importText('dated.xml', dailyFile(caseFile('98100003', { mark: 'HARBOR', statusCode: '700', statusDate: '20240501' })));
      const v = await record('98100003');
      const summary = await importText('override.csv', `${header}\n98100003,,OTHER,630,25,SOMEONE,,\n`);
      expect(summary).toMatchObject({ read: 1, inserted: 0, updated: 0, unchanged: 1 });
      expect(await record('98100003')).toEqual(v);
      await expect(importText('headless.csv', '98100001,,OTHER,630,25,SOMEONE,,\n')).rejects.toThrow(/header lacks serial_number/);
    });
  });

  describe('GET /v1/trademarks/classes and /v1/trademarks/records/:serialNumber', () => {
    beforeAll(async () => {
      await sql.query('TRUNCATE trademark_records');
      await importer.importFile(SAMPLE);
    });

    it('require an access token', async () => {
      for (const path of ['/v1/trademarks/classes', '/v1/trademarks/records/97000000']) {
        const res = await api.call('GET', path);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    });

    it('lists the 45 Nice classes', async () => {
      const res = await api.call('GET', '/v1/trademarks/classes', { token: user.accessToken });
      expect(res.status).toBe(200);
      const classes = res.body as unknown as Array<{ class: number; kind: string; heading: string }>;
      expect(classes.map((c) => c.class)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
      expect(classes.filter((c) => c.kind === 'good')).toHaveLength(34);
      expect(classes[24]).toEqual({ class: 25, kind: 'good', heading: 'Clothing, footwear, headwear' });
      expect(classes[34]).toMatchObject({ class: 35, kind: 'service', heading: expect.stringMatching(/^Advertising; business management/) });
    });

    it('shows one record with its goods and services', async () => {
      const res = await api.call('GET', '/v1/trademarks/records/97000000', { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        serialNumber: '97000000',
        registrationNumber: '5495304',
        mark: 'VELVET',
        status: '800',
        live: true,
        statusDate: '2021-02-18',
        filingDate: '2013-01-17',
        registrationDate: '2019-07-03',
        owner: 'VELVET GMBH',
        classes: [35],
        goodsServices: 'Class 35: Online retail store services featuring music',
        source: 'uspto-xml:sample-daily.xml',
        updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      const views = await sql.query<{ user_id: string; entity_id: string }>(
        `SELECT user_id, entity_id FROM trademark_logs WHERE action = 'record.view'`,
        { type: QueryTypes.SELECT },
      );
      expect(views).toEqual([{ user_id: user.user.id, entity_id: '97000000' }]);
    });

    it('answers 404 for an unknown serial number and 400 for a malformed one, as problems', async () => {
      const unknown = await api.call('GET', '/v1/trademarks/records/99999999', { token: user.accessToken });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(unknown.body).toMatchObject({ status: 404, detail: 'No registry record has serial number 99999999' });
      for (const bad of ['9700000', '97000000x', 'abc']) {
        const res = await api.call('GET', `/v1/trademarks/records/${bad}`, { token: user.accessToken });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    });
  });
});

describe('sample registry on first start (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('loads data/registry/sample-daily.xml into an empty registry when SEED_DEMO_DATA is on, once', async () => {
    t = await startTestApp({ databaseUrl: db.url, env: { SEED_DEMO_DATA: 'true' } });
    const sql = new Sequelize(db.url, { logging: false });
    try {
      const counted = async (): Promise<number> =>
        Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM trademark_records', { type: QueryTypes.SELECT }))[0].n);
      expect(await counted()).toBe(2000);
      await t.close();
      await sql.query(`DELETE FROM trademark_records WHERE serial_number = '97000000'`);
      // Not empty any more: a restart does not load the sample again.
      t = await startTestApp({ databaseUrl: db.url, env: { SEED_DEMO_DATA: 'true' } });
      expect(await counted()).toBe(1999);
    } finally {
      await sql.close();
    }
  });
});
