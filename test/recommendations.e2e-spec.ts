import { Client } from 'pg';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

interface Suggestion {
  id: string;
  class: number;
  confidence: number;
}

describe('recommendations: answers, feedback, log and stats (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  async function suggest(tokens: Tokens, description: string): Promise<Suggestion[]> {
    const res = await api.call('POST', '/v1/recommendations/classes', { token: tokens.accessToken, body: { description } });
    expect(res.status).toBe(200);
    return res.body.suggestions as Suggestion[];
  }

  async function answer(tokens: Tokens, id: string, what: 'accept' | 'dismiss'): Promise<number> {
    return (await api.call('POST', `/v1/recommendations/${id}/${what}`, { token: tokens.accessToken })).status;
  }

  async function logActions(id: string): Promise<string[]> {
    const { rows } = await sql.query<{ action: string; model_version: string }>(
      'SELECT action, model_version FROM recommendation_logs WHERE recommendation_id = $1 ORDER BY created_at, action',
      [id],
    );
    for (const r of rows) expect(r.model_version).toMatch(/^ncl12-2024\./);
    return rows.map((r) => r.action);
  }

  it('stores each suggestion, lists it, and logs made, shown and the answer with the model version', async () => {
    const ada = await api.register();
    const [first] = await suggest(ada, 'candles and soap');
    expect(first).toBeDefined();
    const listed = await api.call('GET', '/v1/recommendations?status=new&type=nice-class', { token: ada.accessToken });
    expect(listed.status).toBe(200);
    const ids = (listed.body.data as Array<{ id: string; status: string; type: string }>).map((r) => r.id);
    expect(ids).toContain(first!.id);
    expect(await answer(ada, first!.id, 'accept')).toBe(204);
    expect(await answer(ada, first!.id, 'accept')).toBe(204);
    expect(await answer(ada, first!.id, 'dismiss')).toBe(409);
    expect(await logActions(first!.id)).toEqual(['made', 'shown', 'accepted']);
    const accepted = await api.call('GET', '/v1/recommendations?status=accepted', { token: ada.accessToken });
    expect((accepted.body.data as Array<{ id: string }>).map((r) => r.id)).toEqual([first!.id]);
  });

  it("answers another user's recommendation, an unknown id or a bad filter with 404 or 400", async () => {
    const ada = await api.register();
    const bob = await api.register();
    const [mine] = await suggest(ada, 'herbal tea');
    expect(await answer(bob, mine!.id, 'accept')).toBe(404);
    expect(await answer(bob, mine!.id, 'dismiss')).toBe(404);
    expect(await answer(ada, '00000000-0000-4000-8000-000000000000', 'accept')).toBe(404);
    expect(await answer(ada, 'not-a-uuid', 'accept')).toBe(400);
    const bobs = await api.call('GET', '/v1/recommendations', { token: bob.accessToken });
    expect(bobs.body.data).toEqual([]);
    expect((await api.call('GET', '/v1/recommendations?status=maybe', { token: ada.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/v1/recommendations?type=other', { token: ada.accessToken })).status).toBe(400);
  });

  it('lets acceptance history reorder a near-tie for similar descriptions', async () => {
    const ada = await api.register();
    const description = 'we roast coffee and run two cafés';
    const before = await suggest(ada, description);
    const [top, second] = before;
    expect(top!.confidence - second!.confidence).toBeLessThan(0.1);
    await answer(ada, second!.id, 'accept');
    await answer(ada, top!.id, 'dismiss');
    const after = await suggest(ada, 'we roast coffee and run a café');
    expect(after.slice(0, 2).map((s) => s.class)).toEqual([second!.class, top!.class]);
    // Another user's answers do not move Bob's suggestions.
    const bob = await api.register();
    expect((await suggest(bob, description)).map((s) => s.class)).toEqual(before.map((s) => s.class));
  });

  it('moves nothing further than a near-tie, and never brings in a class the model did not suggest', async () => {
    const ada = await api.register();
    // A description the model reads clearly: two suggestions, the first well ahead of the second
    // (with the confidence calibrated on the held-out official data, "perfumed candles and wax"
    // got its second class at the then 0.1 floor, so that reading was not clear).
    const description = 'bread and a bakery café';
    const before = await suggest(ada, description);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before[0]!.confidence - before[1]!.confidence).toBeGreaterThan(0.1);
    for (let i = 0; i < 5; i++) {
      const round = await suggest(ada, description);
      for (const s of round) {
        if (s.class === before[1]!.class) await answer(ada, s.id, 'accept');
        if (s.class === before[0]!.class) await answer(ada, s.id, 'dismiss');
      }
    }
    const after = await suggest(ada, description);
    expect(after.map((s) => s.class)).toEqual(before.map((s) => s.class));

    // Class 37 (repair) accepted for a shop that also repairs bicycles does not enter the
    // suggestions for a similar description the model reads as bicycles alone.
    const repairs = await suggest(ada, 'we sell bicycles and repair them');
    const repair = repairs.find((s) => s.class === 37);
    expect(repair).toBeDefined(); // else nothing below is tested
    for (let i = 0; i < 5; i++) await answer(ada, (await suggest(ada, 'we sell bicycles and repair them')).find((s) => s.class === 37)!.id, 'accept');
    const fresh = await suggest(await api.register(), 'we sell bicycles');
    expect(fresh.map((s) => s.class)).not.toContain(37);
    const bicycles = await suggest(ada, 'we sell bicycles');
    expect(bicycles.map((s) => s.class).slice(0, 3)).toEqual(fresh.map((s) => s.class).slice(0, 3));
  });

  it('reports acceptance by type and model version to admins only', async () => {
    const ada = await api.register();
    const [s] = await suggest(ada, 'herbal tea');
    await answer(ada, s!.id, 'accept');
    expect((await api.call('GET', '/v1/admin/recommendations/stats', { token: ada.accessToken })).status).toBe(403);
    await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [ada.user.id]);
    const admin = await api.login(ada.user.email);
    const res = await api.call('GET', '/v1/admin/recommendations/stats', { token: admin.accessToken });
    expect(res.status).toBe(200);
    const row = (res.body.data as Array<{ type: string; made: number; accepted: number; acceptanceRate: number }>).find((r) => r.type === 'nice-class');
    expect(row).toBeDefined();
    expect(row!.made).toBeGreaterThan(0);
    expect(row!.accepted).toBeGreaterThan(0);
    expect(row!.acceptanceRate).toBeCloseTo(row!.accepted / row!.made, 3);
  });
});
