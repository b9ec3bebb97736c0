import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client } from './support/auth-client';

describe('concurrent refreshes within REFRESH_REUSE_GRACE_MS (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { SESSION_CACHE_TTL_MS: '0', AUTH_RATE_LIMIT_MAX: '10000', REFRESH_REUSE_GRACE_MS: '10000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('8 concurrent refreshes with one token: 1 success, 7 x 409, nothing revoked, the winner tokens work', async () => {
    const signedIn = await api.register();
    const results = await Promise.all(Array.from({ length: 8 }, () => api.refresh(signedIn.refreshToken)));
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(loser.body.type).toMatch(/\/refresh-token-just-rotated$/);
    }
    const winner = winners[0]!.body as { accessToken: string; refreshToken: string };
    const { rows } = await sql.query<{ revoked: string }>('SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL) AS revoked FROM sessions WHERE family_id = $1', [
      signedIn.sessionId,
    ]);
    expect(Number(rows[0]!.revoked)).toBe(0);
    expect((await api.me(winner.accessToken)).status).toBe(200);
    expect((await api.me(signedIn.accessToken)).status).toBe(200);
    const next = await api.refresh(winner.refreshToken);
    expect(next.status).toBe(200);
    expect((await api.me(next.body.accessToken as string)).status).toBe(200);
  });

  it('the same token after the grace is reuse: the family is revoked', async () => {
    const signedIn = await api.register();
    const rotated = await api.refresh(signedIn.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await api.refresh(signedIn.refreshToken)).status).toBe(409);
    // Move the rotation 11 s into the past instead of waiting for the grace to pass.
    await sql.query(`UPDATE sessions SET used_at = used_at - interval '11 seconds' WHERE family_id = $1 AND used_at IS NOT NULL`, [signedIn.sessionId]);
    const reused = await api.refresh(signedIn.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.type).toMatch(/\/refresh-token-reused$/);
    expect((await api.refresh(rotated.body.refreshToken as string)).status).toBe(401);
    expect((await api.me(rotated.body.accessToken as string)).status).toBe(401);
  });

  it('a token of an ended session is refused with 401 even within the grace', async () => {
    const signedIn = await api.register();
    const rotated = await api.refresh(signedIn.refreshToken);
    expect((await api.call('POST', '/v1/auth/logout', { token: rotated.body.accessToken as string, body: {} })).status).toBe(204);
    expect((await api.refresh(signedIn.refreshToken)).status).toBe(401);
  });
});
