import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, GOOD_PASSWORD, uniqueEmail } from './support/auth-client';

/** Issue 16, hostile input: token answers are never cached; password confirmations are not an unlimited oracle. */
describe('auth hardening (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000', RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('register, login and refresh answer with Cache-Control: no-store and Pragma: no-cache', async () => {
    const email = uniqueEmail();
    const registered = await api.call('POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD, name: 'N' } });
    const login = await api.call('POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD } });
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    for (const [name, res, status] of [
      ['register', registered, 201],
      ['login', login, 200],
      ['refresh', refreshed, 200],
    ] as const) {
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect({ name, cacheControl: res.headers.get('cache-control'), pragma: res.headers.get('pragma') }).toEqual({ name, cacheControl: 'no-store', pragma: 'no-cache' });
    }
  });

  it('wrong currentPassword confirmations count toward the lockout: the 5th answers 423 and sign-in is locked too', async () => {
    const email = uniqueEmail();
    const tokens = await api.register(email);
    const confirm = (currentPassword: string) =>
      api.call('POST', '/v1/auth/password', { token: tokens.accessToken, body: { currentPassword, newPassword: 'another long passphrase here' } });

    for (let i = 1; i <= 4; i++) expect((await confirm(`wrong guess number ${i}`)).status).toBe(403);
    const locked = await confirm('wrong guess number 5');
    expect(locked.status).toBe(423);
    expect(locked.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(locked.body).toMatchObject({ type: expect.stringMatching(/account-locked$/), retryAfter: expect.any(Number) });

    // Locked means locked: the right password neither confirms nor signs in.
    expect((await confirm(GOOD_PASSWORD)).status).toBe(423);
    expect((await api.call('POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD } })).status).toBe(423);
    const [row] = (await sql.query('SELECT lockout_count, locked_until > now() AS locked FROM users WHERE id = $1', [tokens.user.id])).rows;
    expect(row).toEqual({ lockout_count: 1, locked: true });
    const audit = (await sql.query(`SELECT metadata FROM audit_logs WHERE action = 'auth.lockout' AND entity_id = $1`, [tokens.user.id])).rows;
    expect(audit).toEqual([{ metadata: expect.objectContaining({ during: 'password-confirmation' }) }]);

    // Once the lock has expired, the right password works again and the change goes through.
    await sql.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [tokens.user.id]);
    expect((await confirm(GOOD_PASSWORD)).status).toBe(204);
  });

  it('wrong confirmations and wrong sign-ins add up: 3 + 2 lock the account', async () => {
    const email = uniqueEmail();
    const tokens = await api.register(email);
    for (let i = 1; i <= 3; i++) {
      const res = await api.call('POST', '/v1/auth/password', { token: tokens.accessToken, body: { currentPassword: `nope ${i} nope nope`, newPassword: 'another long passphrase here' } });
      expect(res.status).toBe(403);
    }
    expect((await api.call('POST', '/v1/auth/login', { body: { email, password: 'still not the password' } })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/login', { body: { email, password: 'still not the password' } })).status).toBe(423);
  });
});
