import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, GOOD_PASSWORD, uniqueEmail } from './support/auth-client';

const JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function signJwt(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${b64url(header)}.${b64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('identity: register, sign in, tokens, sessions (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    // SESSION_CACHE_TTL_MS=0: every request re-checks its session, so revocations are visible at once here;
    // the cross-instance spec checks the cached path.
    t = await startTestApp({ databaseUrl: db.url, env: { JWT_SECRET, SESSION_CACHE_TTL_MS: '0', AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('registers, answers /users/me, and never returns the password hash', async () => {
    const email = uniqueEmail('Ada');
    const res = await api.call('POST', '/v1/auth/register', { body: { email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD, name: 'Ada' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: email.toLowerCase(), name: 'Ada', role: 'user', status: 'active' } });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    const me = await api.me(res.body.accessToken as string);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: email.toLowerCase(), role: 'user' });
    expect(Object.keys(me.body).sort()).toEqual(['createdAt', 'email', 'id', 'lastLoginAt', 'name', 'role', 'status']);
    const [row] = (await sql.query('SELECT token_hash FROM sessions WHERE user_id = $1', [me.body.id as string])).rows;
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toBe(res.body.refreshToken);
  });

  it('refuses a second account for the same address (409), whatever its case', async () => {
    const email = uniqueEmail();
    await api.register(email);
    const again = await api.call('POST', '/v1/auth/register', { body: { email: email.toUpperCase(), password: GOOD_PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/email-taken$/);
  });

  it('refuses a 73-byte password, counting bytes, and common passwords', async () => {
    const tooLong = await api.call('POST', '/v1/auth/register', { body: { email: uniqueEmail(), password: 'é'.repeat(36) + 'x' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/at most 72 bytes.*73/) }]);
    const common = await api.call('POST', '/v1/auth/register', { body: { email: uniqueEmail(), password: 'password1234' } });
    expect(common.status).toBe(400);
    expect(common.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/too common/) }]);
    const short = await api.call('POST', '/v1/auth/register', { body: { email: uniqueEmail(), password: 'short' } });
    expect(short.status).toBe(400);
    const badEmail = await api.call('POST', '/v1/auth/register', { body: { email: 'not-an-email', password: GOOD_PASSWORD } });
    expect(badEmail.status).toBe(400);
    expect((badEmail.body.errors as Array<{ field: string }>)[0].field).toBe('email');
  });

  it('answers an unknown address and a wrong password identically', async () => {
    const email = uniqueEmail();
    await api.register(email);
    const unknown = await api.call('POST', '/v1/auth/login', { body: { email: uniqueEmail('nobody'), password: GOOD_PASSWORD } });
    const wrong = await api.call('POST', '/v1/auth/login', { body: { email, password: 'wrong password here' } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined, instance: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(unknown.headers.get('content-type')).toBe(wrong.headers.get('content-type'));
  });

  it('locks an account after 5 failures, with growing periods, and lets it in after expiry', async () => {
    const email = uniqueEmail();
    const { user } = await api.register(email);
    const fail = () => api.call('POST', '/v1/auth/login', { body: { email, password: 'not the password' } });
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    const locked = await fail();
    expect(locked.status).toBe(423);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Even the right password is refused while locked.
    expect((await api.call('POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD } })).status).toBe(423);

    // The lock expires.
    await sql.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [user.id]);
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    const second = await fail();
    expect(second.status).toBe(423);
    // Second lockout: 2 minutes.
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(110);
    await sql.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [user.id]);
    const ok = await api.login(email);
    expect(ok.user.id).toBe(user.id);
    const [row] = (await sql.query('SELECT failed_logins, lockout_count, locked_until FROM users WHERE id = $1', [user.id])).rows;
    expect(row).toEqual({ failed_logins: 0, lockout_count: 0, locked_until: null });
  });

  it('locks an unknown address the same way, so a 423 reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.call('POST', '/v1/auth/login', { body: { email, password: 'whatever it is' } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
  });

  it('rotates refresh tokens; a reused token ends the whole family and tells the user', async () => {
    const first = await api.register();
    const second = await api.refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.sessionId).toBe(first.sessionId);
    const third = await api.refresh(second.body.refreshToken as string);
    expect(third.status).toBe(200);
    expect((await api.me(third.body.accessToken as string)).status).toBe(200);

    // The first token again, after the concurrent-refresh grace: reuse.
    await sql.query(`UPDATE sessions SET used_at = used_at - interval '1 hour' WHERE family_id = $1 AND used_at IS NOT NULL`, [first.sessionId]);
    const reused = await api.refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.type).toMatch(/refresh-token-reused$/);
    // The newest token of the family stops working, and so does its access token.
    expect((await api.refresh(third.body.refreshToken as string)).status).toBe(401);
    expect((await api.me(third.body.accessToken as string)).status).toBe(401);

    const again = await api.login(first.user.email);
    const notes = await api.call('GET', '/v1/notifications', { token: again.accessToken });
    expect(notes.status).toBe(200);
    const reasons = (notes.body.data as Array<{ type: string; data: { reason?: string } }>).map((n) => n.data.reason);
    expect(reasons).toContain('refresh-token-reuse');
  });

  it('lets exactly one of two concurrent refreshes with the same token succeed; the other gets 409', async () => {
    const { refreshToken } = await api.register();
    const results = await Promise.all([api.refresh(refreshToken), api.refresh(refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('refuses an unknown or malformed refresh token', async () => {
    expect((await api.refresh('x'.repeat(43))).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/refresh', { body: {} })).status).toBe(400);
  });

  it('logout ends the current session only; logout-all ends every one', async () => {
    const email = uniqueEmail();
    const a = await api.register(email);
    const b = await api.login(email);
    expect((await api.call('POST', '/v1/auth/logout', { token: a.accessToken, body: {} })).status).toBe(204);
    expect((await api.me(a.accessToken)).status).toBe(401);
    expect((await api.refresh(a.refreshToken)).status).toBe(401);
    expect((await api.me(b.accessToken)).status).toBe(200);

    const c = await api.login(email);
    expect((await api.call('POST', '/v1/auth/logout-all', { token: c.accessToken })).status).toBe(204);
    expect((await api.me(b.accessToken)).status).toBe(401);
    expect((await api.me(c.accessToken)).status).toBe(401);
    expect((await api.refresh(b.refreshToken)).status).toBe(401);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const email = uniqueEmail();
    const a = await api.register(email);
    const b = await api.login(email);
    const wrongCurrent = await api.call('POST', '/v1/auth/password', { token: a.accessToken, body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } });
    expect(wrongCurrent.status).toBe(403);
    const weak = await api.call('POST', '/v1/auth/password', { token: a.accessToken, body: { currentPassword: GOOD_PASSWORD, newPassword: 'password1234' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors).toEqual([{ field: 'newPassword', message: expect.stringMatching(/too common/) }]);
    const changed = await api.call('POST', '/v1/auth/password', { token: a.accessToken, body: { currentPassword: GOOD_PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(changed.status).toBe(204);
    expect((await api.me(a.accessToken)).status).toBe(200);
    expect((await api.me(b.accessToken)).status).toBe(401);
    expect((await api.refresh(b.refreshToken)).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD } })).status).toBe(401);
    await api.login(email, 'a brand new passphrase');
  });

  it('refuses tokens signed with another key, with alg none, expired, or for another audience', async () => {
    const { accessToken, user, sessionId } = await api.register();
    expect((await api.me(accessToken)).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: user.id, sid: sessionId, role: 'admin', aud: 'clearmark-api', iss: 'clearmark', iat: now, exp: now + 600 };
    const otherKey = signJwt(claims, 'another-secret-that-is-at-least-32-bytes!!');
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const expired = signJwt({ ...claims, iat: now - 1000, exp: now - 10 }, JWT_SECRET);
    const otherAudience = signJwt({ ...claims, aud: 'someone-else' }, JWT_SECRET);
    const hs512 = (() => {
      const unsigned = `${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url(claims)}`;
      return `${unsigned}.${createHmac('sha512', JWT_SECRET).update(unsigned).digest('base64url')}`;
    })();
    for (const token of [otherKey, none, expired, otherAudience, hs512, 'garbage', '']) {
      const res = await api.me(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    // A correctly signed token is accepted (the control for the cases above).
    expect((await api.me(signJwt(claims, JWT_SECRET))).status).toBe(200);
  });

  it('refuses a token without exp, and malformed claims, with 401 (never 500)', async () => {
    const { user, sessionId } = await api.register();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: user.id, sid: sessionId, role: 'user', aud: 'clearmark-api', iss: 'clearmark', iat: now, exp: now + 600 };
    const { exp: _exp, ...withoutExp } = claims;
    const { sub: _sub, ...withoutSub } = claims;
    const tokens = [
      signJwt(withoutExp, JWT_SECRET),
      signJwt(withoutSub, JWT_SECRET),
      signJwt({ ...claims, sid: 'not-a-uuid' }, JWT_SECRET),
      signJwt({ ...claims, sub: 42 }, JWT_SECRET),
      signJwt({ ...claims, role: 'root' }, JWT_SECRET),
      signJwt({ ...claims, exp: 'tomorrow' }, JWT_SECRET),
    ];
    for (const token of tokens) {
      const res = await api.me(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await api.me(signJwt(claims, JWT_SECRET))).status).toBe(200);
  });

  it('takes the Authorization scheme in any case (RFC 9110)', async () => {
    const { accessToken } = await api.register();
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      const res = await fetch(`${t.url}/v1/users/me`, { headers: { authorization: `${scheme} ${accessToken}` } });
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${t.url}/v1/users/me`, { headers: { authorization: `Basic ${accessToken}` } })).status).toBe(401);
  });

  it('refuses a token once it expires, though it was accepted (and remembered) before', async () => {
    const { user, sessionId } = await api.register();
    const now = Math.floor(Date.now() / 1000);
    // Real time is the subject here (the token's exp, in whole seconds). Five seconds of life:
    // enough for the two requests below on a loaded machine; then wait until it has passed.
    const exp = now + 5;
    const shortLived = signJwt({ sub: user.id, sid: sessionId, role: 'user', aud: 'clearmark-api', iss: 'clearmark', iat: now, exp }, JWT_SECRET);
    expect((await api.me(shortLived)).status).toBe(200);
    expect((await api.me(shortLived)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now() + 50)));
    expect((await api.me(shortLived)).status).toBe(401);
  });

  it('lists my live sessions marking the current one; another user\'s session id answers 404', async () => {
    const email = uniqueEmail();
    const a = await api.register(email, GOOD_PASSWORD, { 'user-agent': 'Browser A' });
    const b = await api.login(email, GOOD_PASSWORD, { 'user-agent': 'Browser B' });
    const list = await api.call('GET', '/v1/sessions', { token: a.accessToken });
    expect(list.status).toBe(200);
    const sessions = list.body.data as Array<{ id: string; current: boolean; userAgent: string; ip: string }>;
    expect(sessions.map((s) => s.id).sort()).toEqual([a.sessionId, b.sessionId].sort());
    expect(sessions.find((s) => s.current)?.id).toBe(a.sessionId);
    expect(sessions.find((s) => s.id === b.sessionId)).toMatchObject({ userAgent: 'Browser B', ip: '127.0.0.1', current: false });

    const stranger = await api.register();
    expect((await api.call('DELETE', `/v1/sessions/${a.sessionId}`, { token: stranger.accessToken })).status).toBe(404);
    expect((await api.call('DELETE', '/v1/sessions/00000000-0000-4000-8000-000000000000', { token: stranger.accessToken })).status).toBe(404);
    expect((await api.me(a.accessToken)).status).toBe(200);

    expect((await api.call('DELETE', `/v1/sessions/${b.sessionId}`, { token: a.accessToken })).status).toBe(204);
    expect((await api.me(b.accessToken)).status).toBe(401);
    expect((await api.call('DELETE', '/v1/sessions/not-a-uuid', { token: a.accessToken })).status).toBe(400);
  });

  it('notifies a sign-in from a new user agent; another user\'s notification id answers 404', async () => {
    const email = uniqueEmail();
    await api.register(email, GOOD_PASSWORD, { 'user-agent': 'Phone' });
    const same = await api.login(email, GOOD_PASSWORD, { 'user-agent': 'Phone' });
    let notes = await api.call('GET', '/v1/notifications', { token: same.accessToken });
    expect(notes.body.data).toEqual([]);
    const laptop = await api.login(email, GOOD_PASSWORD, { 'user-agent': 'Laptop' });
    notes = await api.call('GET', '/v1/notifications?unread=true', { token: laptop.accessToken });
    const [notice] = notes.body.data as Array<{ id: string; type: string; data: { reason: string } }>;
    expect(notice).toMatchObject({ type: 'security', data: { reason: 'new-device' } });

    const stranger = await api.register();
    expect((await api.call('POST', `/v1/notifications/${notice.id}/read`, { token: stranger.accessToken })).status).toBe(404);
    expect((await api.call('POST', `/v1/notifications/${notice.id}/read`, { token: laptop.accessToken })).status).toBe(204);
    notes = await api.call('GET', '/v1/notifications?unread=true', { token: laptop.accessToken });
    expect(notes.body.data).toEqual([]);
  });

  it('updates the profile and validates preferences', async () => {
    const { accessToken } = await api.register();
    const renamed = await api.call('PATCH', '/v1/users/me', { token: accessToken, body: { name: 'Grace' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Grace');
    expect((await api.call('PATCH', '/v1/users/me', { token: accessToken, body: { role: 'admin' } })).status).toBe(400);

    const defaults = await api.call('GET', '/v1/users/me/preferences', { token: accessToken });
    expect(defaults.body).toEqual({ locale: 'en', timezone: 'UTC', notifications: {}, defaultClasses: [] });

    const bad = await api.call('PUT', '/v1/users/me/preferences', {
      token: accessToken,
      body: { locale: 'english!', timezone: 'Mars/Olympus', notifications: { spam: { email: true } }, defaultClasses: [0, 46] },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['defaultClasses', 'locale', 'notifications', 'timezone']);

    const good = { locale: 'en-GB', timezone: 'Europe/Paris', notifications: { security: { email: true }, 'trademark-watch': { email: false } }, defaultClasses: [42, 9] };
    const put = await api.call('PUT', '/v1/users/me/preferences', { token: accessToken, body: good });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...good, defaultClasses: [9, 42] });
    expect((await api.call('GET', '/v1/users/me/preferences', { token: accessToken })).body).toEqual({ ...good, defaultClasses: [9, 42] });
  });

  it('admin endpoints: 403 for users; disabling a user ends all of their sessions', async () => {
    const adminEmail = uniqueEmail('admin');
    const admin = await api.register(adminEmail);
    expect((await api.call('GET', '/v1/admin/users', { token: admin.accessToken })).status).toBe(403);
    await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);
    const adminSession = await api.login(adminEmail);
    const page = await api.call('GET', '/v1/admin/users?limit=2', { token: adminSession.accessToken });
    expect(page.status).toBe(200);
    expect((page.body.data as unknown[]).length).toBe(2);
    expect(typeof page.body.nextCursor).toBe('string');
    const next = await api.call('GET', `/v1/admin/users?limit=2&cursor=${page.body.nextCursor as string}`, { token: adminSession.accessToken });
    expect(next.status).toBe(200);
    expect((await api.call('GET', '/v1/admin/users?cursor=bogus', { token: adminSession.accessToken })).status).toBe(400);

    const victimEmail = uniqueEmail();
    const v1 = await api.register(victimEmail);
    const v2 = await api.login(victimEmail);
    const disabled = await api.call('PATCH', `/v1/admin/users/${v1.user.id}`, { token: adminSession.accessToken, body: { status: 'disabled' } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    expect((await api.me(v1.accessToken)).status).toBe(401);
    expect((await api.me(v2.accessToken)).status).toBe(401);
    expect((await api.refresh(v2.refreshToken)).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/login', { body: { email: victimEmail, password: GOOD_PASSWORD } })).status).toBe(401);

    expect((await api.call('PATCH', `/v1/admin/users/${admin.user.id}`, { token: adminSession.accessToken, body: { status: 'disabled' } })).status).toBe(409);
    expect((await api.call('PATCH', '/v1/admin/users/00000000-0000-4000-8000-000000000000', { token: adminSession.accessToken, body: { status: 'active' } })).status).toBe(404);
    expect((await api.call('PATCH', `/v1/admin/users/${v1.user.id}`, { token: adminSession.accessToken, body: { role: 'root' } })).status).toBe(400);
  });

  it('requires a token on every account route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/users/me'],
      ['GET', '/v1/users/me/preferences'],
      ['GET', '/v1/sessions'],
      ['GET', '/v1/notifications'],
      ['POST', '/v1/auth/logout'],
      ['POST', '/v1/auth/logout-all'],
      ['GET', '/v1/admin/users'],
    ]) {
      const res = await api.call(method, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});
