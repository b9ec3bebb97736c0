import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { TestRoutesModule } from './support/test-routes.module';
import { lintExposition, promtoolCheck } from './support/metrics-lint';

describe('GET /metrics (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, imports: [TestRoutesModule], env: { DB_STATEMENT_TIMEOUT_MS: '200' } });
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  }

  it('exposes HTTP, database and process metrics with bounded labels', async () => {
    await fetch(`${t.url}/v1/__test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ACME', count: 1 }),
    });
    await fetch(`${t.url}/v1/users/123e4567-e89b-12d3-a456-426614174000/not-a-route`);
    await fetch(`${t.url}/v1/__test/db-sleep?seconds=1`);
    const text = await scrape();

    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/v1\/__test\/echo",status_code="201"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/v1\/__test\/echo",status_code="201"\} 1$/m);
    // An unmatched path is counted under one label value, never under its raw (unbounded) path.
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1$/m);
    expect(text).not.toContain('123e4567');
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/v1\/__test\/db-sleep",status_code="503"\} 1$/m);

    expect(text).toMatch(/^db_query_duration_seconds_count\{operation="select"\} \d+$/m);
    expect(text).toMatch(/^db_errors_total\{kind="timeout"\} 1$/m);
    expect(text).toMatch(/^db_connection_attempts_total\{outcome="success"\} 1$/m);
    expect(text).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{state="in_use"\} \d+$/m);
    expect(text).toMatch(/^db_pool_waiting_requests \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('follows the Prometheus naming rules (and promtool agrees, where installed)', async () => {
    const text = await scrape();
    expect(lintExposition(text)).toEqual([]);
    const promtool = promtoolCheck(text);
    if (promtool !== null) expect(promtool).toBe('');
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const other = await createTestDatabase();
    const secured = await startTestApp({ databaseUrl: other.url, env: { METRICS_TOKEN: 'a-long-metrics-token-123' } });
    try {
      const anonymous = await fetch(`${secured.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toMatch(/problem\+json/);
      const wrong = await fetch(`${secured.url}/metrics`, { headers: { authorization: 'Bearer a-long-metrics-token-124' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${secured.url}/metrics`, { headers: { authorization: 'Bearer a-long-metrics-token-123' } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('http_requests_total');
    } finally {
      await secured.close();
      await other.drop();
    }
  });
});
