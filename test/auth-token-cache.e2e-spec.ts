import { AccessTokenStrategy, SessionsService } from '@app/sessions';
import { client } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The verified-token cache in front of passport: a client's repeated token is admitted without
 * passport-jwt's verification while its session was checked within SESSION_CACHE_TTL_MS, and
 * goes through passport (and the session query) again once that check is older.
 */
describe('access tokens: passport-jwt once, then the verified-token cache (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!', SESSION_CACHE_TTL_MS: '5000' } });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await db?.drop();
  });

  it('verifies a token through passport once per session check, not once per request', async () => {
    const api = client(t.url);
    const { accessToken } = await api.register();
    const recall = jest.spyOn(AccessTokenStrategy.prototype, 'recall');
    const validate = jest.spyOn(AccessTokenStrategy.prototype, 'validate');
    const sessionQueries = jest.spyOn(SessionsService.prototype, 'livePrincipal');
    const requests = 60;
    const started = Date.now();
    for (let i = 0; i < requests; i++) expect((await api.me(accessToken)).status).toBe(200);
    // At most one passport verification (and one session query) per started 5 s, plus the first.
    const allowed = Math.ceil((Date.now() - started) / 5_000) + 1;
    expect(recall).toHaveBeenCalledTimes(requests);
    expect(validate.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(validate.mock.calls.length).toBeLessThanOrEqual(allowed);
    expect(sessionQueries.mock.calls.length).toBe(validate.mock.calls.length);
  });

  it('still refuses a token whose session ended, at once on this instance, though the token is cached', async () => {
    const api = client(t.url);
    const session = await api.register();
    expect((await api.me(session.accessToken)).status).toBe(200);
    expect((await api.me(session.accessToken)).status).toBe(200);
    expect((await api.call('POST', '/v1/auth/logout', { token: session.accessToken, body: {} })).status).toBe(204);
    const res = await api.me(session.accessToken);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
