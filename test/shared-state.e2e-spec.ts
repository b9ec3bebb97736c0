import type Redis from 'ioredis';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail } from './support/auth-client';
import { deleteKeys, describeWithRedis, redisClient, redisPrefix, testRedisUrl } from './support/redis';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait-for';

/** Requests per route and client in the pair's window (the other cases stay well under it on any one route). */
const BUDGET = 30;

const SECRET = { JWT_SECRET: 'shared-secret-of-the-deployment-at-least-32-bytes' };

/** Sum of a counter's samples whose labels match, from a /metrics text. */
function counter(text: string, name: string, labels: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function readiness(url: string): Promise<{ status: number; sharedState?: { mode: string; state: string; reason?: string } }> {
  const res = await fetch(`${url}/health/ready`);
  const body = (await res.json()) as { details?: { sharedState?: { mode: string; state: string; reason?: string } } };
  return { status: res.status, sharedState: body.details?.sharedState };
}

describeWithRedis('shared state in Redis across instances (e2e)', () => {
  let db: TestDatabase;
  let redis: Redis;
  let a: TestApp;
  let b: TestApp;
  const prefix = redisPrefix('shared-state');

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = redisClient();
    // Two API instances on one database and one Redis. A 5 s session cache (the most allowed):
    // a refusal on B sooner than that came from the broadcast, not from the cache expiring.
    const env = { ...SECRET, REDIS_URL: testRedisUrl as string, REDIS_KEY_PREFIX: prefix, SESSION_CACHE_TTL_MS: '5000', RATE_LIMIT_MAX: String(BUDGET) };
    [a, b] = await Promise.all([startTestApp({ databaseUrl: db.url, env }), startTestApp({ databaseUrl: db.url, env })]);
    for (const app of [a, b]) {
      await waitFor(() => readiness(app.url), { what: 'readiness with Redis connected', until: (r) => r.sharedState?.state === 'ok' });
    }
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
    await db?.drop();
  });

  it('readiness reports the shared state as Redis, ok', async () => {
    expect(await readiness(a.url)).toEqual({ status: 200, sharedState: { status: 'up', mode: 'redis', state: 'ok' } });
  });

  it('a logout on A is refused on B long before B’s session cache would expire', async () => {
    const [ca, cb] = [client(a.url), client(b.url)];
    const email = uniqueEmail();
    await ca.register(email);
    const session = await ca.login(email);
    // B has checked the session and trusts that check for 5 s.
    expect((await cb.me(session.accessToken)).status).toBe(200);
    expect((await cb.me(session.accessToken)).status).toBe(200);

    const before = Date.now();
    expect((await ca.call('POST', '/v1/auth/logout', { token: session.accessToken, body: {} })).status).toBe(204);
    // Half the cache's TTL: only the broadcast can explain a refusal within it.
    await waitFor(async () => (await cb.me(session.accessToken)).status, { what: 'B to refuse the ended session', until: (s) => s === 401, deadlineMs: 2_500, intervalMs: 10 });
    process.stderr.write(`shared-state e2e: logout on A refused on B after ${Date.now() - before} ms (cache TTL 5000 ms)\n`);
  });

  it('logout-all on B reaches the sessions A has cached', async () => {
    const [ca, cb] = [client(a.url), client(b.url)];
    const email = uniqueEmail();
    const first = await ca.register(email);
    const second = await cb.login(email);
    expect((await ca.me(first.accessToken)).status).toBe(200);
    expect((await ca.me(second.accessToken)).status).toBe(200);
    expect((await cb.call('POST', '/v1/auth/logout-all', { token: second.accessToken, body: {} })).status).toBe(204);
    for (const token of [first.accessToken, second.accessToken]) {
      await waitFor(async () => (await ca.me(token)).status, { what: 'A to refuse a session ended on B', until: (s) => s === 401, deadlineMs: 2_500, intervalMs: 10 });
    }
  });

  it('one rate-limit budget per client across both instances', async () => {
    // RATE_LIMIT_MAX per route and client: that many requests in all, whichever instance answers.
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 2; i++) statuses.push((await fetch(`${(i % 2 ? b : a).url}/v1/notifications`)).status);
    expect(statuses).toEqual([...Array<number>(BUDGET).fill(401), 429, 429]);
  });

  it('an unknown address locks on both instances after failures spread over them', async () => {
    const [ca, cb] = [client(a.url), client(b.url)];
    const email = uniqueEmail('nobody');
    const attempt = (c: typeof ca) => c.call('POST', '/v1/auth/login', { body: { email, password: 'wrong password of some length' } });
    const statuses: number[] = [];
    // LOCKOUT_THRESHOLD=5: the fifth failure locks, wherever the first four happened.
    for (const c of [ca, cb, ca, cb, ca]) statuses.push((await attempt(c)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect((await attempt(cb)).status).toBe(423);
    const keys = await redis.keys(`${prefix}lockout:unknown:*`);
    expect(keys).toHaveLength(1);
    // The address itself is never stored.
    expect(keys[0]).not.toContain('nobody');
  });
});

describeWithRedis('Redis down: the instance keeps serving on its own state (e2e)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;
  let redis: Redis;
  const prefix = redisPrefix('redis-down');

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = redisClient();
    proxy = await startTcpProxy(testRedisUrl as string);
    app = await startTestApp({
      databaseUrl: db.url,
      env: { ...SECRET, REDIS_URL: proxy.via(testRedisUrl as string), REDIS_KEY_PREFIX: prefix, RATE_LIMIT_MAX: '3', REDIS_COMMAND_TIMEOUT_MS: '200' },
    });
    await waitFor(() => readiness(app.url), { what: 'readiness with Redis connected', until: (r) => r.sharedState?.state === 'ok' });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
    await db?.drop();
  });

  it('answers every request, limits per instance, counts the fallbacks, and readiness says degraded (200)', async () => {
    const c = client(app.url);
    const email = uniqueEmail();
    const tokens = await c.register(email);
    await proxy.cut('refuse');

    const ready = await waitFor(() => readiness(app.url), { what: 'readiness to report Redis degraded', until: (r) => r.sharedState?.state === 'degraded' });
    expect(ready.status).toBe(200);
    expect(ready.sharedState).toMatchObject({ status: 'up', mode: 'redis', state: 'degraded' });
    expect(ready.sharedState?.reason).toMatch(/per instance/);
    expect(ready.sharedState?.reason).not.toMatch(/127\.0\.0\.1/);

    // Rate limits still apply, from this instance's own counters.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${app.url}/v1/notifications`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Sign-in, lockout bookkeeping for an unknown address, an authenticated call, a logout.
    expect((await c.call('POST', '/v1/auth/login', { body: { email: uniqueEmail('nobody'), password: 'wrong password of some length' } })).status).toBe(401);
    const session = await c.login(email);
    expect((await c.me(session.accessToken)).status).toBe(200);
    expect((await c.call('POST', '/v1/auth/logout', { token: tokens.accessToken, body: {} })).status).toBe(204);
    expect((await c.me(tokens.accessToken)).status).toBe(401);

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(counter(metrics, 'shared_state_fallbacks_total', 'feature="rate-limit"')).toBeGreaterThanOrEqual(4);
    expect(counter(metrics, 'shared_state_fallbacks_total', 'feature="lockout"')).toBeGreaterThanOrEqual(1);
    expect(counter(metrics, 'shared_state_fallbacks_total', 'feature="session-revocation"')).toBeGreaterThanOrEqual(1);

    await proxy.restore();
    await waitFor(() => readiness(app.url), { what: 'readiness to report Redis ok again', until: (r) => r.sharedState?.state === 'ok' });
    // Shared again: the counters now live in Redis.
    expect((await fetch(`${app.url}/v1/notifications`)).status).toBe(401);
    expect((await redis.keys(`${prefix}*hits`)).length).toBeGreaterThan(0);
  });
});
