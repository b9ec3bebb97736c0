import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { TestRoutesModule } from './support/test-routes.module';

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('HTTP errors are problem+json (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      databaseUrl: db.url,
      imports: [TestRoutesModule],
      env: { BODY_LIMIT_BYTES: '2048', DB_STATEMENT_TIMEOUT_MS: '300', RATE_LIMIT_MAX: '1000' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  async function problem(res: Response): Promise<Record<string, unknown>> {
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    const text = await res.text();
    // No stack trace, file path or internal message ever leaves the service.
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(text).not.toMatch(/node_modules|secret internals|hunter2/);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body.status).toBe(res.status);
    expect(typeof body.type).toBe('string');
    expect(typeof body.title).toBe('string');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    return body;
  }

  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${t.url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });

  it('answers a valid request normally', async () => {
    const res = await post('/v1/__test/echo', JSON.stringify({ name: 'ACME', count: 2 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'ACME', count: 2 });
  });

  it('unknown route: 404', async () => {
    const res = await fetch(`${t.url}/v1/no-such-thing?token=abc`);
    expect(res.status).toBe(404);
    const body = await problem(res);
    expect(body.type).toMatch(/not-found$/);
    expect(body.instance).toBe('/v1/no-such-thing');
  });

  it('routes are versioned: the unversioned path does not exist', async () => {
    const res = await post('/__test/echo', JSON.stringify({ name: 'ACME', count: 2 }));
    expect(res.status).toBe(404);
    await problem(res);
  });

  it('malformed JSON: 400 saying so', async () => {
    const res = await post('/v1/__test/echo', '{"name": "ACME", ');
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(String(body.detail)).toMatch(/JSON/);
  });

  it('empty JSON body: 400', async () => {
    const res = await post('/v1/__test/echo', '');
    expect(res.status).toBe(400);
    await problem(res);
  });

  it('body over the limit: 413', async () => {
    const res = await post('/v1/__test/echo', JSON.stringify({ name: 'x'.repeat(5000), count: 1 }));
    expect(res.status).toBe(413);
    const body = await problem(res);
    expect(body.type).toMatch(/payload-too-large$/);
  });

  it('unsupported media type: 415', async () => {
    const res = await post('/v1/__test/echo', 'name=ACME', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    const body = await problem(res);
    expect(body.type).toMatch(/unsupported-media-type$/);
    const text = await post('/v1/__test/echo', 'hello', 'text/plain');
    expect(text.status).toBe(415);
    await problem(text);
  });

  it('invalid fields: 400 listing each field', async () => {
    const res = await post('/v1/__test/echo', JSON.stringify({ name: '', count: 99, address: { city: 5 } }));
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.type).toMatch(/validation-failed$/);
    const fields = (body.errors as Array<{ field: string; message: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['address.city', 'count', 'name']);
  });

  it('unknown field: 400 naming it', async () => {
    const res = await post('/v1/__test/echo', JSON.stringify({ name: 'ACME', count: 1, admin: true }));
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.errors).toEqual([{ field: 'admin', message: 'admin is not an accepted field' }]);
  });

  it('a JSON array where an object is expected: 400', async () => {
    const res = await post('/v1/__test/echo', JSON.stringify([1, 2]));
    expect(res.status).toBe(400);
    await problem(res);
  });

  it('statement timeout: 503 with Retry-After', async () => {
    const res = await fetch(`${t.url}/v1/__test/db-sleep?seconds=2`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = await problem(res);
    expect(body.type).toMatch(/database-timeout$/);
  });

  it('an unexpected error: 500 without internals', async () => {
    const res = await fetch(`${t.url}/v1/__test/boom`);
    expect(res.status).toBe(500);
    const body = await problem(res);
    expect(body.detail).toMatch(/request id/);
  });

  it('keeps a valid X-Request-Id and replaces an invalid one', async () => {
    const kept = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'client-abc_123' } });
    expect(kept.headers.get('x-request-id')).toBe('client-abc_123');
    const replaced = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers (helmet), on errors too', async () => {
    // The headers @fastify/helmet sent with these options, now computed once at start-up.
    const expected = {
      'content-security-policy':
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;" +
        "object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    for (const path of ['/health/live', '/v1/no-such-route', '/v1/users/me']) {
      const res = await fetch(`${t.url}${path}`);
      await res.arrayBuffer();
      for (const [name, value] of Object.entries(expected)) expect([path, name, res.headers.get(name)]).toEqual([path, name, value]);
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('publishes the OpenAPI document and its page', async () => {
    const doc = await fetch(`${t.url}/docs/openapi.json`);
    expect(doc.status).toBe(200);
    const json = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(json.openapi).toMatch(/^3\./);
    expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });
});
