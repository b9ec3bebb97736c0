import { Client } from 'pg';
import { SearchEvents } from '@app/trademarks';
import { normalizeMark, phoneticKeys } from '../libs/trademarks/src/search';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

interface Rec {
  id: string;
  type: string;
  status: string;
  title: string;
  payload: Record<string, unknown>;
  modelVersion: string;
}

describe('clearance advice after a search (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;
  let ada: Tokens;

  async function record(serial: string, mark: string, classes: number[]): Promise<void> {
    await sql.query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, status_code, classes, source)
       VALUES ($1, $2, $3, $4, true, '700', $5, 'test')`,
      [serial, mark, normalizeMark(mark), phoneticKeys(mark), classes],
    );
  }

  /** Searches through the API and waits for the after-search advice to be stored. */
  async function search(tokens: Tokens, mark: string, classes: number[]): Promise<{ id: string; risk: string }> {
    const res = await api.call('POST', '/v1/trademarks/searches', { token: tokens.accessToken, body: { mark, classes } });
    expect(res.status).toBe(201);
    await t.app.get(SearchEvents).settled();
    return res.body as unknown as { id: string; risk: string };
  }

  async function adviceFor(tokens: Tokens, searchId: string): Promise<Rec[]> {
    const res = await api.call('GET', '/v1/recommendations', { token: tokens.accessToken });
    expect(res.status).toBe(200);
    return (res.body.data as Rec[]).filter((r) => r.payload.searchId === searchId);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    ada = await api.register();
    await record('97100001', 'ZORBLAX', [9]);
    await record('97100002', 'ZORBLAX LABS', [42]);
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('after a high-risk search: the marks that drive it and what to do, related classes, no watch offer', async () => {
    const found = await search(ada, 'ZORBLAX', [9]);
    expect(found.risk).toBe('high');
    const advice = await adviceFor(ada, found.id);
    const summary = advice.find((a) => a.type === 'risk-summary');
    expect(summary).toBeDefined();
    expect(summary!.modelVersion).toBe('clearance-advice-1');
    expect(summary!.title).toMatch(/^HIGH risk for "ZORBLAX"/);
    const drivers = summary!.payload.drivers as Array<{ serialNumber: string; summary: string }>;
    expect(drivers.map((d) => d.serialNumber)).toContain('97100001');
    expect(drivers[0]!.summary).toMatch(/ZORBLAX \(serial 971000\d\d, class/);
    const actions = summary!.payload.actions as Array<{ kind: string; text: string }>;
    expect(actions[0]!.kind).toBe('change-the-mark');
    expect(actions.map((a) => a.kind)).toContain('talk-to-counsel');

    const classes = advice.filter((a) => a.type === 'classes').map((a) => a.payload);
    expect(classes.map((c) => c.class)).toEqual(expect.arrayContaining([38, 42]));
    expect(classes.map((c) => c.class)).not.toContain(9);
    for (const c of classes) expect(c.reason).toMatch(/^Class \d+ is related to class 9: /);
    expect(advice.some((a) => a.type === 'watch')).toBe(false);
  });

  it('alternatives are offered only when the same engine finds them clear or low risk in the registry', async () => {
    const found = await search(ada, 'ZORBLAX', [9]);
    const alternatives = (await adviceFor(ada, found.id)).filter((a) => a.type === 'alternatives');
    expect(alternatives.length).toBeGreaterThanOrEqual(1);
    expect(alternatives.length).toBeLessThanOrEqual(5);
    for (const alt of alternatives) {
      const mark = alt.payload.mark as string;
      expect(mark).not.toBe('ZORBLAX');
      expect(['added-word', 'coined-blend', 'word-swap']).toContain(alt.payload.kind);
      expect(['none', 'low']).toContain((alt.payload.evidence as { risk: string }).risk);
      // Searched again by the user, the alternative really is clear or low risk.
      const again = await api.call('POST', '/v1/trademarks/searches', { token: ada.accessToken, body: { mark, classes: [9] } });
      expect(['none', 'low']).toContain(again.body.risk);
    }
    await t.app.get(SearchEvents).settled();
  });

  it('a crowded word is swapped for a word of the same kind with another meaning', async () => {
    await record('97100010', 'RIVER OTTER COFFEE', [30]);
    await record('97100011', 'RIVER COFFEE ROASTERS', [30]);
    const found = await search(ada, 'RIVER COFFEE', [30]);
    expect(['medium', 'high']).toContain(found.risk);
    const alternatives = (await adviceFor(ada, found.id)).filter((a) => a.type === 'alternatives').map((a) => a.payload);
    expect(alternatives.length).toBeGreaterThanOrEqual(1);
    expect(alternatives.some((a) => a.kind === 'word-swap' && /^[A-Z]+ COFFEE$/.test(a.mark as string))).toBe(true);
    for (const alt of alternatives) expect(['none', 'low']).toContain((alt.evidence as { risk: string }).risk);
  });

  it('after a clear search: a clear summary and a watch offer; accepting it creates the watch, once', async () => {
    const found = await search(ada, 'QUIBBLEFROST', [25]);
    expect(found.risk).toBe('none');
    const advice = await adviceFor(ada, found.id);
    const summary = advice.find((a) => a.type === 'risk-summary')!;
    expect(summary.title).toBe('"QUIBBLEFROST" looks clear: no conflicting mark found');
    expect((summary.payload.actions as Array<{ kind: string }>).map((a) => a.kind)).toEqual(['file', 'watch-the-mark']);
    expect(advice.some((a) => a.type === 'alternatives')).toBe(false);
    const offer = advice.find((a) => a.type === 'watch')!;
    expect(offer.payload).toMatchObject({ mark: 'QUIBBLEFROST', classes: [25] });

    // Another user cannot answer it.
    const bob = await api.register();
    expect((await api.call('POST', `/v1/recommendations/${offer.id}/accept`, { token: bob.accessToken })).status).toBe(404);

    expect((await api.call('POST', `/v1/recommendations/${offer.id}/accept`, { token: ada.accessToken })).status).toBe(204);
    expect((await api.call('POST', `/v1/recommendations/${offer.id}/accept`, { token: ada.accessToken })).status).toBe(204);
    const watches = await api.call('GET', '/v1/trademarks/watches', { token: ada.accessToken });
    const mine = (watches.body.data as Array<{ mark: string; classes: number[] }>).filter((w) => w.mark === 'QUIBBLEFROST');
    expect(mine).toEqual([expect.objectContaining({ mark: 'QUIBBLEFROST', classes: [25] })]);
    const { rows } = await sql.query<{ action: string }>('SELECT action FROM recommendation_logs WHERE recommendation_id = $1 ORDER BY created_at', [offer.id]);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['made', 'shown', 'accepted']));
  });

  it('the stats count advice by type and model version', async () => {
    const admin = await api.register();
    await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);
    const relogin = await api.call('POST', '/v1/auth/login', { body: { email: admin.user.email, password: 'correct horse battery staple' } });
    const stats = await api.call('GET', '/v1/admin/recommendations/stats', { token: relogin.body.accessToken as string });
    expect(stats.status).toBe(200);
    const rows = stats.body.data as Array<{ type: string; modelVersion: string; made: number; accepted: number }>;
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'watch', modelVersion: 'clearance-advice-1', accepted: 1 })]));
    expect(rows.find((r) => r.type === 'risk-summary')!.made).toBeGreaterThanOrEqual(3);
  });
});
