import { Client } from 'pg';
import { WatchesService } from '@app/trademarks';
import { normalizeMark, phoneticKeys } from '../libs/trademarks/src/search';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, type Tokens } from './support/auth-client';

describe('trademark watches (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;
  let api: ReturnType<typeof client>;
  let owner: Tokens;

  async function record(serial: string, mark: string, classes: number[], live = true): Promise<void> {
    await sql.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, status_code, classes, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'test')`,
      [serial, mark, normalizeMark(mark), phoneticKeys(mark), live, live ? '700' : '710', classes],
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
      { mark: 'ACME' },
    ]) {
      const res = await api.call('POST', '/v1/trademarks/watches', { token: owner.accessToken, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await api.call('GET', '/v1/trademarks/watches')).status).toBe(401);
  });
});
