import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { TestRoutesModule } from './support/test-routes.module';
import { client, type Tokens } from './support/auth-client';
import { waitFor } from './support/wait-for';

const PROBLEM = /^application\/problem\+json/;

function metric(text: string, pattern: RegExp): number {
  return Number(pattern.exec(text)?.[1] ?? NaN);
}

/**
 * Issue 16 item 6: an overloaded instance sheds new requests at once (503, Retry-After,
 * counted), keeps serving health and metrics, and its readiness does not flap while the
 * database itself answers.
 */
describe('load shedding and honest readiness (e2e)', () => {
  const databases: TestDatabase[] = [];
  const apps: TestApp[] = [];

  async function boot(env: Record<string, string>): Promise<{ t: TestApp; api: ReturnType<typeof client>; user: Tokens }> {
    const db = await createTestDatabase();
    databases.push(db);
    const t = await startTestApp({
      databaseUrl: db.url,
      imports: [TestRoutesModule],
      // Readiness's own checks get room on a loaded machine: this spec is about the pool, not the timeout.
      env: { AUTH_RATE_LIMIT_MAX: '10000', RATE_LIMIT_MAX: '10000', DB_STATEMENT_TIMEOUT_MS: '30000', HEALTH_DB_TIMEOUT_MS: '3000', ...env },
    });
    apps.push(t);
    const api = client(t.url);
    // Polled: on a busy machine the event loop of a just-started app can lag past a low bound.
    const user = await waitFor(() => api.register(), { what: 'a registration once the app has settled' });
    return { t, api, user };
  }

  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('a saturated pool: readiness stays 200 on its own connection, other requests get 503 with Retry-After at once, counted', async () => {
    const { t, api, user } = await boot({ DB_POOL_MAX: '2', LOAD_SHED_DB_QUEUE_MAX: '2', LOAD_SHED_EVENT_LOOP_DELAY_MS: '0' });
    const scrape = async () => (await fetch(`${t.url}/metrics`)).text();

    // Both pooled connections busy for a while, then four short requests queued behind them.
    const sleeping = Array.from({ length: 2 }, () => api.call('GET', '/v1/__test/db-sleep?seconds=10'));
    await waitFor(async () => metric(await scrape(), /^db_pool_connections\{state="in_use"\} (\d+)/m), { until: (n) => n === 2, what: 'both pooled connections in use' });
    sleeping.push(...Array.from({ length: 4 }, () => api.call('GET', '/v1/__test/db-sleep?seconds=0.1')));
    await waitFor(async () => metric(await scrape(), /^db_pool_waiting_requests (\d+)/m), { until: (n) => n > 2, what: 'more than 2 requests waiting for a connection' });

    // Readiness answers from its own connection: the database is fine, so the instance is ready.
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { info: Record<string, { status: string }> }).info).toMatchObject({ database: { status: 'up' }, migrations: { status: 'up' } });
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);

    // New API requests are refused at once instead of queueing for the acquire timeout.
    const refused = await Promise.all(Array.from({ length: 10 }, () => api.call('GET', '/v1/users/me', { token: user.accessToken })));
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('x-request-id')).toEqual(res.body.requestId);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.body).toMatchObject({ type: expect.stringMatching(/\/overloaded$/), status: 503, reason: 'db-pool-queue', retryAfter: 1, instance: '/v1/users/me' });
    }
    const metrics = await scrape();
    expect(metric(metrics, /^http_requests_shed_total\{reason="db-pool-queue"\} (\d+)/m)).toBeGreaterThanOrEqual(10);
    expect(metrics).toMatch(/^http_requests_shed_total\{reason="event-loop-delay"\} 0$/m);

    // Once the queue drains, requests are served again; the queued ones were served, not dropped.
    const served = await Promise.all(sleeping);
    expect(served.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    for (const res of served) expect([200, 503]).toContain(res.status);
    await waitFor(async () => (await api.call('GET', '/v1/users/me', { token: user.accessToken })).status, { until: (s) => s === 200, what: 'the API to serve again' });
  }, 90_000);

  it('a blocked event loop: API requests get 503 event-loop-delay, health stays served', async () => {
    const { t, api, user } = await boot({ LOAD_SHED_EVENT_LOOP_DELAY_MS: '100', LOAD_SHED_RETRY_AFTER_S: '3' });
    // The app runs in this process: hold its event loop, then ask at once (the sampled delay
    // stays high until the next sample). Retried a few times: a sample can land in between.
    const shed = await waitFor(
      async () => {
        const until = Date.now() + 2_000;
        while (Date.now() < until) {
          // busy: the event loop cannot turn
        }
        const [apiAnswer, live, ready] = await Promise.all([
          api.call('GET', '/v1/users/me', { token: user.accessToken }),
          fetch(`${t.url}/health/live`),
          fetch(`${t.url}/health/ready`),
        ]);
        return { apiAnswer, live: live.status, ready: ready.status };
      },
      { until: (r) => r.apiAnswer.status === 503, what: 'a request shed for event-loop delay', intervalMs: 10 },
    );
    expect(shed.live).toBe(200);
    expect(shed.ready).toBe(200);
    expect(shed.apiAnswer.headers.get('retry-after')).toBe('3');
    expect(shed.apiAnswer.headers.get('content-type')).toMatch(PROBLEM);
    expect(shed.apiAnswer.body).toMatchObject({ type: expect.stringMatching(/\/overloaded$/), reason: 'event-loop-delay', retryAfter: 3 });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metric(metrics, /^http_requests_shed_total\{reason="event-loop-delay"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    // The loop turns freely again: served.
    await waitFor(async () => (await api.call('GET', '/v1/users/me', { token: user.accessToken })).status, { until: (s) => s === 200, what: 'the API to serve again' });
  }, 90_000);
});
