import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { TestRoutesModule } from './support/test-routes.module';

describe('rate limit, CORS and trusted proxies (e2e)', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  async function boot(env: Record<string, string>): Promise<TestApp> {
    const t = await startTestApp({ databaseUrl: db.url, imports: [TestRoutesModule], env });
    apps.push(t);
    return t;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const t of apps) await t.close();
    await db.drop();
  });

  it('answers 429 with Retry-After once a client exceeds the global rate limit', async () => {
    const t = await boot({ RATE_LIMIT_MAX: '3', RATE_LIMIT_TTL_MS: '60000' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${t.url}/v1/__test/ip`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${t.url}/v1/__test/ip`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
    const problem = (await limited.json()) as { type: string; retryAfter: number };
    expect(problem.type).toMatch(/rate-limited$/);
    expect(problem.retryAfter).toBe(Number(limited.headers.get('retry-after')));
    // Health and metrics are never rate limited.
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });

  it('gives all of /v1/auth/* one per-IP budget: logins use up what registrations could have had', async () => {
    const t = await boot({ AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_TTL_MS: '60000' });
    const post = (path: string, body: unknown) =>
      fetch(`${t.url}/v1/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const logins: number[] = [];
    for (let i = 0; i < 3; i++) logins.push((await post('login', { email: 'nobody@example.com', password: 'wrong password here' })).status);
    expect(logins).toEqual([401, 401, 401]);
    // Another auth route, same client: the budget is spent.
    const register = await post('register', { email: 'someone@example.com', password: 'a long enough password 123', name: 'S' });
    expect(register.status).toBe(429);
    const retryAfter = Number(register.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(register.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await register.json()).toMatchObject({ status: 429, retryAfter });
    expect((await post('refresh', { refreshToken: 'x'.repeat(40) })).status).toBe(429);
    // Routes outside /v1/auth keep their own (global) budget.
    expect((await fetch(`${t.url}/v1/__test/ip`)).status).toBe(200);
  });

  it('allows only the configured CORS origins', async () => {
    const t = await boot({ CORS_ORIGINS: 'https://app.example.com' });
    const allowed = await fetch(`${t.url}/health/live`, { headers: { origin: 'https://app.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${t.url}/health/live`, { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const untrusting = await boot({});
    const spoofed = await fetch(`${untrusting.url}/v1/__test/ip`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(await spoofed.json()).toEqual({ ip: '127.0.0.1' });

    const behindProxy = await boot({ TRUST_PROXY: '127.0.0.1' });
    const forwarded = await fetch(`${behindProxy.url}/v1/__test/ip`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(await forwarded.json()).toEqual({ ip: '203.0.113.7' });
  });
});
