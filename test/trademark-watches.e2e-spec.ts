import { Client } from 'pg';
import { WatchesService } from '@app/trademarks';
import { analyzeMark, lookalikeKeys, searchKeys } from '../libs/trademarks/src/search/analyzer';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, type Tokens } from './support/auth-client';

describe('trademark watches (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;
  let api: ReturnType<typeof client>;
  let owner: Tokens;

  /** A registry record, keyed as the importer keys it (MarkKeysProvider: the analyzer's search and look-alike keys). */
  async function record(serial: string, mark: string, classes: number[], live = true): Promise<void> {
    const analysis = analyzeMark(mark);
    const lookalike = lookalikeKeys(analysis);
    await sql.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, lookalike_keys, live, status_code, classes, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'test')`,
      [serial, mark, analysis.normalized, searchKeys(analysis), lookalike.length > 0 ? lookalike : null, live, live ? '700' : '710', classes],
    );
  }

  async function watchNotices(token: string): Promise<Array<{ type: string; data: { serialNumber: string; watchId: string } }>> {
    const res = await api.call('GET', '/v1/notifications?limit=100', { token });
    return (res.body.data as Array<{ type: string; data: { serialNumber: string; watchId: string } }>).filter((n) => n.type === 'trademark-watch');
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '1000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    owner = await api.register();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('reports each new conflict above the threshold once, never the baseline, never twice', async () => {
    await record('90000001', 'KWIK REWARDS', [35]);
    const created = await api.call('POST', '/v1/trademarks/watches', { token: owner.accessToken, body: { mark: 'QUICK REWARDS', classes: [35], threshold: 40 } });
    expect(created.status).toBe(201);
    const watchId = created.body.id as string;
    expect(created.body).toMatchObject({ mark: 'QUICK REWARDS', classes: [35], threshold: 40, active: true });

    const watches = t.app.get(WatchesService);
    // Already in the registry when the watch was made: the baseline, not news.
    expect(await watches.runWatches()).toEqual({ watches: 1, newConflicts: 0 });
    expect(await watchNotices(owner.accessToken)).toEqual([]);

    // New filings: one conflicting, one unrelated.
    await record('90000002', 'QWIK REWARDZ', [35]);
    await record('90000003', 'ZEBRA PLUMBING', [37]);
    expect(await watches.runWatches()).toEqual({ watches: 1, newConflicts: 1 });
    const notices = await watchNotices(owner.accessToken);
    expect(notices).toHaveLength(1);
    expect(notices[0].data).toMatchObject({ watchId, serialNumber: '90000002' });

    // The next run reports nothing again.
    expect(await watches.runWatches()).toEqual({ watches: 1, newConflicts: 0 });
    expect(await watchNotices(owner.accessToken)).toHaveLength(1);

    // The watch shows when it last ran.
    const list = await api.call('GET', '/v1/trademarks/watches', { token: owner.accessToken });
    expect((list.body.data as Array<{ id: string; lastRunAt: string | null }>)[0]).toMatchObject({ id: watchId, lastRunAt: expect.any(String) });
  });

  it('lists and deletes only the owner’s watches; another user’s id answers 404', async () => {
    const created = await api.call('POST', '/v1/trademarks/watches', { token: owner.accessToken, body: { mark: 'GREEN LIVING', classes: [3] } });
    const id = created.body.id as string;
    const stranger = await api.register();
    expect((await api.call('GET', '/v1/trademarks/watches', { token: stranger.accessToken })).body.data).toEqual([]);
    expect((await api.call('DELETE', `/v1/trademarks/watches/${id}`, { token: stranger.accessToken })).status).toBe(404);
    expect((await api.call('DELETE', `/v1/trademarks/watches/${id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await api.call('DELETE', `/v1/trademarks/watches/${id}`, { token: owner.accessToken })).status).toBe(404);
  });

  it('validates the watch', async () => {
    for (const body of [
      { mark: '', classes: [3] },
      { mark: 'x'.repeat(201), classes: [3] },
      { mark: 'ACME', classes: [0, 46] },
      { mark: 'ACME', classes: [3], threshold: 101 },
      { mark: 'ACME', classes: [3], threshold: null },
      { mark: 'ACME', classes: [] },
      { mark: 'ACME' },
    ]) {
      const res = await api.call('POST', '/v1/trademarks/watches', { token: owner.accessToken, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await api.call('GET', '/v1/trademarks/watches')).status).toBe(401);
  });

  describe('complete: read, change, no duplicates, hits', () => {
    type Hit = { id: string; serialNumber: string; score: number; risk: string; reasons: Array<{ kind: string }>; baseline: boolean; record: { mark: string } | null };
    const uuid = /^[0-9a-f-]{36}$/;

    it('answers 201 with Location and the conflicts the registry already holds, scored by the search engine', async () => {
      const user = await api.register();
      await record('91000001', 'BRIGHTWAVE', [9]);
      await record('91000002', 'BRITEWAVE', [9]);
      await record('91000003', 'BRIGHT WAVES', [9]);
      await record('91000004', 'UNRELATED PLUMBING', [37]);
      const created = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: '  BrightWave  ', classes: [9], threshold: 15 } });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/trademarks/watches/${created.body.id as string}`);
      expect(created.body).toMatchObject({ mark: 'BrightWave', classes: [9], threshold: 15, active: true, existingConflictCount: expect.any(Number) });
      const existing = created.body.existingConflicts as { data: Hit[]; nextCursor: string | null };
      const serials = existing.data.map((h) => h.serialNumber);
      expect(serials).toEqual(expect.arrayContaining(['91000001', '91000002', '91000003']));
      expect(serials).not.toContain('91000004');
      expect(created.body.existingConflictCount).toBe(existing.data.length);
      for (const hit of existing.data) {
        expect(hit).toMatchObject({ id: expect.stringMatching(uuid), baseline: true, risk: expect.any(String), record: { mark: expect.any(String) } });
        expect(hit.reasons.length).toBeGreaterThan(0);
      }
      // Strongest first.
      expect(existing.data.map((h) => h.score)).toEqual([...existing.data.map((h) => h.score)].sort((a, b) => b - a));

      // The same scores as a clearance search of the mark in the same classes.
      const search = await api.call('POST', '/v1/trademarks/searches', { token: user.accessToken, body: { mark: 'BrightWave', classes: [9], status: 'live', limit: 50 } });
      expect(search.status).toBe(201);
      const searchScores = new Map((search.body.results as Array<{ record: { serialNumber: string }; score: number }>).map((r) => [r.record.serialNumber, r.score]));
      for (const hit of existing.data) expect(searchScores.get(hit.serialNumber)).toBe(hit.score);

      // Location names the watch; its hits are the same conflicts.
      const fetched = await api.call('GET', created.headers.get('location')!, { token: user.accessToken });
      expect(fetched.status).toBe(200);
      expect(fetched.body).toMatchObject({ id: created.body.id, mark: 'BrightWave', classes: [9], threshold: 15, active: true });
      const hits = await api.call('GET', `/v1/trademarks/watches/${created.body.id as string}/hits`, { token: user.accessToken });
      expect(hits.status).toBe(200);
      expect((hits.body.data as Hit[]).map((h) => h.serialNumber)).toEqual(serials);
    });

    it('refuses an identical watch (same mark ignoring case and spacing, same classes in any order) with 409, also when sent concurrently', async () => {
      const user = await api.register();
      const first = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'Green Valley Farms', classes: [29, 31] } });
      expect(first.status).toBe(201);
      const again = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'GREEN  valley farms', classes: [31, 29], threshold: 50 } });
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/problem\+json/);
      expect(again.body).toMatchObject({ type: expect.stringMatching(/watch-duplicate$/), watchId: first.body.id });
      // Another class set, or another user, is another watch.
      expect((await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'Green Valley Farms', classes: [29] } })).status).toBe(201);
      const other = await api.register();
      expect((await api.call('POST', '/v1/trademarks/watches', { token: other.accessToken, body: { mark: 'Green Valley Farms', classes: [29, 31] } })).status).toBe(201);

      const racer = await api.register();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => api.call('POST', '/v1/trademarks/watches', { token: racer.accessToken, body: { mark: 'RACING STRIPES', classes: [12] } })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      expect((await api.call('GET', '/v1/trademarks/watches', { token: racer.accessToken })).body.data).toHaveLength(1);
    });

    it('reads and changes only the owner’s watch; another user’s id answers 404, a malformed id 400', async () => {
      const user = await api.register();
      const created = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'NORTHSTAR TOOLS', classes: [8] } });
      const id = created.body.id as string;
      const path = `/v1/trademarks/watches/${id}`;
      const stranger = await api.register();
      for (const [method, suffix, body] of [
        ['GET', '', undefined],
        ['PATCH', '', { active: false }],
        ['GET', '/hits', undefined],
      ] as const) {
        const res = await api.call(method, `${path}${suffix}`, { token: stranger.accessToken, body });
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
      expect((await api.call('GET', path, { token: user.accessToken })).body).toMatchObject({ active: true });
      expect((await api.call('GET', '/v1/trademarks/watches/not-a-uuid', { token: user.accessToken })).status).toBe(400);
      expect((await api.call('PATCH', '/v1/trademarks/watches/not-a-uuid', { token: user.accessToken, body: { active: false } })).status).toBe(400);
      expect((await api.call('GET', `/v1/trademarks/watches/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { token: user.accessToken })).status).toBe(404);
    });

    it('PATCH changes active, threshold and classes; a paused watch is not run; bad changes answer 400 or 409', async () => {
      const user = await api.register();
      const created = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'LUMINOR GLASS', classes: [21], threshold: 80 } });
      const id = created.body.id as string;
      const path = `/v1/trademarks/watches/${id}`;

      const paused = await api.call('PATCH', path, { token: user.accessToken, body: { active: false } });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ id, active: false, threshold: 80, classes: [21] });
      // A paused watch is skipped by the runs: a new conflict is not reported while it sleeps.
      await record('91000101', 'LUMINOR GLASS', [21]);
      await t.app.get(WatchesService).runWatches();
      expect((await api.call('GET', `${path}/hits`, { token: user.accessToken })).body.data).toEqual([]);
      // Resumed, the next run reports what was filed meanwhile, as news.
      expect((await api.call('PATCH', path, { token: user.accessToken, body: { active: true } })).body).toMatchObject({ active: true });
      await t.app.get(WatchesService).runWatches();
      expect((await api.call('GET', `${path}/hits`, { token: user.accessToken })).body.data).toEqual([expect.objectContaining({ serialNumber: '91000101', baseline: false })]);

      // New classes: the registry's conflicts in them become hits at once, as baseline (not notified).
      await record('91000102', 'LUMINOR GLASS', [11]);
      const moved = await api.call('PATCH', path, { token: user.accessToken, body: { classes: [21, 11], threshold: 50 } });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ classes: [11, 21], threshold: 50, active: true });
      const hits = (await api.call('GET', `${path}/hits`, { token: user.accessToken })).body.data as Hit[];
      expect(hits.find((h) => h.serialNumber === '91000102')).toMatchObject({ baseline: true });
      expect(((await api.call('GET', '/v1/notifications?limit=100', { token: user.accessToken })).body.data as Array<{ data: { serialNumber?: string } }>).map((n) => n.data.serialNumber)).not.toContain(
        '91000102',
      );

      for (const body of [{}, { classes: [] }, { threshold: null }, { active: null }, { active: 'yes' }, { threshold: 0 }, { classes: [46] }, { classes: [3, 3] }, { mark: 'OTHER' }]) {
        const res = await api.call('PATCH', path, { token: user.accessToken, body });
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
      // Classes that would make it identical to another of the user's watches.
      const twin = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'luminor glass', classes: [3] } });
      const clash = await api.call('PATCH', `/v1/trademarks/watches/${twin.body.id as string}`, { token: user.accessToken, body: { classes: [11, 21] } });
      expect(clash.status).toBe(409);
      expect(clash.body).toMatchObject({ watchId: id });
      expect((await api.call('GET', path, { token: user.accessToken })).body).toMatchObject({ classes: [11, 21], threshold: 50 });
    });

    it('pages through the hits with limit and cursor: every hit once, newest first, strongest first within a run', async () => {
      const user = await api.register();
      const words = ['ALPHA', 'BETA', 'GAMMA', 'DELTA', 'EPSILON', 'ZETA', 'ETA', 'THETA', 'IOTA', 'KAPPA', 'LAMBDA', 'SIGMA', 'OMEGA', 'NORTH', 'SOUTH', 'EAST', 'WEST', 'PRIME'];
      let serial = 91000200;
      for (const word of words) await record(String(serial++), `ZORBLAX ${word}`, [42]);
      await record(String(serial++), 'ZORBLAX', [42]);
      const created = await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'ZORBLAX', classes: [42], threshold: 1 } });
      const total = created.body.existingConflictCount as number;
      expect(total).toBeGreaterThanOrEqual(15);
      const id = created.body.id as string;
      // A later run finds a new filing: it comes first.
      await record(String(serial++), 'ZORBLAXX', [42]);
      await t.app.get(WatchesService).runWatches();

      const seen: Hit[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await api.call('GET', `/v1/trademarks/watches/${id}/hits?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: user.accessToken });
        expect(res.status).toBe(200);
        const data = res.body.data as Hit[];
        expect(data.length).toBeLessThanOrEqual(4);
        seen.push(...data);
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 50);
      expect(seen).toHaveLength(total + 1);
      expect(new Set(seen.map((h) => h.id)).size).toBe(seen.length);
      expect(seen[0]).toMatchObject({ record: { mark: 'ZORBLAXX' }, baseline: false });
      const baseline = seen.slice(1);
      expect(baseline.every((h) => h.baseline)).toBe(true);
      expect(baseline.map((h) => h.score)).toEqual([...baseline.map((h) => h.score)].sort((a, b) => b - a));

      for (const query of ['cursor=bm90LWEtY3Vyc29y', 'limit=0', 'limit=101']) {
        const res = await api.call('GET', `/v1/trademarks/watches/${id}/hits?${query}`, { token: user.accessToken });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
    });
  });
});
