import { connect } from 'node:net';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';
import { startTestApp, type TestApp } from './support/test-app';
import { client, GOOD_PASSWORD, uniqueEmail, type Tokens } from './support/auth-client';

const PROBLEM = /^application\/problem\+json/;

/** One raw HTTP/1.1 exchange, for request targets fetch() would normalize. */
function rawRequest(url: string, requestLine: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${requestLine}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head: head.toLowerCase(), body });
    });
  });
}

describe('hostile input never breaks the contract (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;
  let user: Tokens;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      databaseUrl: db.url,
      env: { AUTH_RATE_LIMIT_MAX: '10000', RATE_LIMIT_MAX: '10000', CORS_ORIGINS: 'https://app.example.com', API_LOG_FLUSH_INTERVAL_MS: '10' },
    });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    user = await api.register();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  const postRaw = (path: string, body: string, token?: string) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  describe('deeply nested JSON', () => {
    it('a 200,000-deep array on /v1/auth/login without a token: 400 problem, and the server keeps answering', async () => {
      const deep = '['.repeat(200_000) + ']'.repeat(200_000);
      const res = await postRaw('/v1/auth/login', deep);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.detail).toMatch(/nested deeper than 64/);
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
      expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
    });

    it('10,000 nested objects on an authenticated route: 400', async () => {
      const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const res = await postRaw('/v1/trademarks/searches', deep, user.accessToken);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
    });

    it('nesting within the limit still parses (and is then validated as usual)', async () => {
      const res = await postRaw('/v1/auth/login', JSON.stringify({ email: uniqueEmail(), password: GOOD_PASSWORD, extra: [[[[1]]]] }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain('extra');
    });
  });

  describe('control characters', () => {
    it('a NUL in a login e-mail: 400 naming the field, and the audit row is still written', async () => {
      const res = await api.call('POST', '/v1/auth/login', { body: { email: 'a\u0000b@example.com', password: GOOD_PASSWORD } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'email', message: expect.stringMatching(/control characters/) }]);
      const { rows } = await sql.query(`SELECT outcome FROM audit_logs WHERE request_id = $1`, [res.headers.get('x-request-id')]);
      expect(rows).toEqual([{ outcome: 'failure' }]);
    });

    it('a NUL in a search mark: 400, nothing written', async () => {
      const res = await api.call('POST', '/v1/trademarks/searches', { token: user.accessToken, body: { mark: 'ACME\u0000' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'mark', message: expect.stringMatching(/control characters/) }]);
    });

    it('other C0 controls in names and nested fields: 400; tabs and line breaks pass', async () => {
      for (const name of ['A\u0001B', 'esc\u001b[31m', 'bell\u0007']) {
        const res = await api.call('PATCH', '/v1/users/me', { token: user.accessToken, body: { name } });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'name', message: expect.any(String) }]);
      }
      const ok = await api.call('PATCH', '/v1/users/me', { token: user.accessToken, body: { name: 'Ada\tLovelace' } });
      expect(ok.status).toBe(200);
      const registered = await api.call('POST', '/v1/auth/register', { body: { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'x\u0000' } });
      expect(registered.status).toBe(400);
    });

    it('in query and path parameters too', async () => {
      const query = await api.call('GET', '/v1/trademarks/searches?cursor=%00', { token: user.accessToken });
      expect(query.status).toBe(400);
      expect(query.body.errors).toEqual([{ field: 'cursor', message: expect.stringMatching(/control characters/) }]);
      const param = await api.call('DELETE', '/v1/sessions/%00abc', { token: user.accessToken });
      expect(param.status).toBe(400);
      expect(param.headers.get('content-type')).toMatch(PROBLEM);
    });
  });

  describe('router-level errors are problem+json with request id and security headers', () => {
    it('bad percent-encoding: 400, without echoing the URL', async () => {
      const res = await fetch(`${t.url}/v1/sessions/%E0%A4%A_secretish`, { headers: { authorization: `Bearer ${user.accessToken}`, 'x-request-id': 'bad-url-1' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(res.headers.get('x-request-id')).toBe('bad-url-1');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBeTruthy();
      const text = await res.text();
      expect(text).not.toMatch(/secretish|%E0/);
      expect(JSON.parse(text)).toMatchObject({ status: 400, requestId: 'bad-url-1', type: expect.stringMatching(/bad-url$/) });
    });

    it('a 10,000-character path parameter: 414, without echoing it', async () => {
      const long = 'x'.repeat(10_000);
      const res = await fetch(`${t.url}/v1/sessions/${long}`, { method: 'DELETE', headers: { authorization: `Bearer ${user.accessToken}` } });
      expect(res.status).toBe(414);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.headers.get('strict-transport-security')).toBeTruthy();
      const text = await res.text();
      expect(text).not.toContain('xxxxxxxxxx');
      expect(JSON.parse(text)).toMatchObject({ status: 414, requestId: res.headers.get('x-request-id') });
    });

    it('an absolute-form target is routed, logged and reported by its path only', async () => {
      const res = await rawRequest(t.url, 'GET http://evil.test/v1/no-such-route?x=1 HTTP/1.1');
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('evil.test');
      expect(JSON.parse(res.body)).toMatchObject({ instance: '/v1/no-such-route' });
      const requestId = /x-request-id: (\S+)/.exec(res.head)?.[1];
      const rows = await waitFor(async () => (await sql.query<{ path: string }>('SELECT path FROM api_logs WHERE request_id = $1', [requestId])).rows, {
        what: `the api_logs row of ${requestId}`,
        intervalMs: 20,
        until: (found) => found.length > 0,
      });
      expect(rows).toEqual([{ path: '/v1/no-such-route?x=1' }]);
    });
  });

  describe('answers that were 500s', () => {
    it('PATCH /v1/users/me with {} is a no-op 200; with null a 400', async () => {
      const empty = await api.call('PATCH', '/v1/users/me', { token: user.accessToken, body: {} });
      expect(empty.status).toBe(200);
      expect(empty.body.email).toBe(user.user.email);
      const nul = await api.call('PATCH', '/v1/users/me', { token: user.accessToken, body: null });
      expect(nul.status).toBe(400);
      expect(nul.body.errors).toEqual([{ field: 'body', message: 'body must be a JSON object' }]);
    });

    it('PATCH /v1/admin/users/:id {"role": null}: 400 naming the field', async () => {
      const admin = await api.register();
      await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);
      const again = await api.login(admin.user.email);
      const res = await api.call('PATCH', `/v1/admin/users/${user.user.id}`, { token: again.accessToken, body: { role: null } });
      expect(res.status).toBe(400);
      expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['role']);
      const status = await api.call('PATCH', `/v1/admin/users/${user.user.id}`, { token: again.accessToken, body: { status: null } });
      expect(status.status).toBe(400);
    });
  });

  it('CORS preflight allows the methods the API uses', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${t.url}/v1/users/me`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': method },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('access-control-allow-methods')).toContain(method);
    }
  });
});
