import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { ApiLog, apiLogProviders, ApiLogService } from '@app/auditing/api-log';
import { gracefulShutdown } from '@app/common';
import { JobsService } from '@app/jobs';
import { client, GOOD_PASSWORD, uniqueEmail, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { TestJobsModule } from './support/test-jobs.module';
import { gates, TestRoutesModule } from './support/test-routes.module';
import { waitFor, waitForStatus } from './support/wait-for';
import { WorkerModule } from '../apps/worker/src/worker.module';

/** The providers alone, as an HTTP-less app (worker, cli) gets them: no routes, no guard. */
@Module({ imports: [SequelizeModule.forFeature([ApiLog])], providers: apiLogProviders })
class ApiLogProvidersOnlyModule {}

interface ApiLogRow {
  id: string;
  created_at: Date;
  request_id: string;
  user_id: string | null;
  method: string;
  route: string | null;
  path: string;
  status: number;
  duration_ms: number;
  response_bytes: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** Flushes until `count` rows with the request-id prefix are stored (a row is pushed just after its response). */
async function storedRows(sql: Client, service: ApiLogService | undefined, prefix: string, count: number): Promise<ApiLogRow[]> {
  return waitFor(
    async () => {
      if (service) await service.flush();
      return (await sql.query<ApiLogRow>(`SELECT * FROM api_logs WHERE request_id LIKE $1 ORDER BY created_at, request_id`, [`${prefix}%`])).rows;
    },
    { what: `${count} rows with request ids ${prefix}*`, intervalMs: 20, until: (rows) => rows.length >= count },
  ).catch(async () => (await sql.query<ApiLogRow>(`SELECT * FROM api_logs WHERE request_id LIKE $1 ORDER BY created_at, request_id`, [`${prefix}%`])).rows);
}

describe('request log (e2e)', () => {
  const databases: TestDatabase[] = [];
  const apps: TestApp[] = [];
  const clients: Client[] = [];

  async function boot(env: Record<string, string> = {}, imports: DynamicModule[] = []): Promise<{ t: TestApp; sql: Client; service: ApiLogService }> {
    const db = await createTestDatabase();
    databases.push(db);
    const t = await startTestApp({ databaseUrl: db.url, env, imports: [TestRoutesModule, ...imports] });
    apps.push(t);
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    clients.push(sql);
    return { t, sql, service: t.app.get(ApiLogService) };
  }

  // Several apps, each draining its writer and scheduler: allow for a loaded machine.
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await Promise.all(apps.map((t) => t.close().catch(() => undefined)));
    await Promise.all(databases.map((d) => d.drop()));
  }, 120_000);

  it('a journey of N requests (2xx, 400, 401, 403, 404, 429, 500) leaves exactly N rows, right and without secrets', async () => {
    // AUTH_RATE_LIMIT_MAX=4 (one budget per client IP across /v1/auth/*): the journey's fifth auth
    // request that reaches the guard (register, login, refresh, login, login; the unparsable body is
    // refused before) gets its 429.
    const { t, sql, service } = await boot({ AUTH_RATE_LIMIT_MAX: '4' });
    const prefix = `journey-${randomBytes(4).toString('hex')}-`;
    const started = new Date();
    const longAgent = `agent/${'x'.repeat(1_000)}`;
    const sent: Array<{ requestId: string; status: number; bodyBytes: number }> = [];

    async function send(method: string, path: string, options: { token?: string; json?: unknown; raw?: string; agent?: string } = {}) {
      const requestId = `${prefix}${String(sent.length).padStart(2, '0')}`;
      const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers: {
          'x-request-id': requestId,
          'user-agent': options.agent ?? 'api-log-journey/1.0',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body,
      });
      const text = await res.text();
      expect(res.headers.get('x-request-id')).toBe(requestId);
      sent.push({ requestId, status: res.status, bodyBytes: Buffer.byteLength(text) });
      return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
    }

    const email = uniqueEmail('journey');
    const registered = await send('POST', '/v1/auth/register', { json: { email, password: GOOD_PASSWORD, name: 'J' } });
    const tokens = registered.json as unknown as Tokens;
    const userId = tokens.user.id;
    await send('GET', '/v1/users/me', { token: tokens.accessToken, agent: longAgent });
    await send('GET', '/v1/users/me');
    await send('GET', `/v1/users/me?access_token=${tokens.accessToken}`);
    await send('GET', '/v1/no-such-route?token=supersecret-query-token&page=2');
    await send('POST', '/v1/auth/login', { raw: '{"email": ' });
    await send('POST', '/v1/auth/login', { json: { email } });
    await send('GET', '/v1/notifications?limit=5&password=hunter2-in-query', { token: tokens.accessToken });
    await send('GET', '/v1/notifications?limit=5', { token: tokens.accessToken });
    const refreshed = await send('POST', '/v1/auth/refresh', { json: { refreshToken: tokens.refreshToken } });
    await send('POST', '/v1/auth/login', { json: { email, password: GOOD_PASSWORD } });
    await send('POST', '/v1/auth/login', { json: { email, password: GOOD_PASSWORD } });
    await send('GET', '/v1/admin/api-logs', { token: tokens.accessToken });
    await send('GET', '/v1/__test/boom');

    expect(sent.map((s) => s.status)).toEqual([201, 200, 401, 401, 404, 400, 400, 400, 200, 200, 200, 429, 403, 500]);
    // Probes and scrapes are not logged (README): they would drown the log.
    const probeId = `${prefix}probe`;
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      // Polled: on a loaded machine readiness's bounded database ping may miss once.
      await waitForStatus(`${t.url}${path}`, 200, { headers: { 'x-request-id': probeId } });
    }
    // One more API request after the probes: by the time its row is stored, a wrongly logged
    // probe's row would be too, and in the count below.
    await send('GET', '/v1/no-such-route');

    const rows = await storedRows(sql, service, prefix, sent.length);
    // Exactly one row per API request: none missing, none logged twice, no probe.
    expect(rows.map((r) => r.request_id).sort()).toEqual(sent.map((s) => s.requestId).sort());

    const byId = new Map(rows.map((r) => [r.request_id, r]));
    const row = (i: number) => byId.get(sent[i].requestId) as ApiLogRow;
    const expected: Array<[number, string, string | null, string | null, string]> = [
      // [step, method, route template, user, stored path]
      [0, 'POST', '/v1/auth/register', null, '/v1/auth/register'],
      [1, 'GET', '/v1/users/me', userId, '/v1/users/me'],
      [2, 'GET', '/v1/users/me', null, '/v1/users/me'],
      [3, 'GET', '/v1/users/me', null, '/v1/users/me?access_token=[redacted]'],
      [4, 'GET', null, null, '/v1/no-such-route?token=[redacted]&page=2'],
      [5, 'POST', '/v1/auth/login', null, '/v1/auth/login'],
      [6, 'POST', '/v1/auth/login', null, '/v1/auth/login'],
      [7, 'GET', '/v1/notifications', userId, '/v1/notifications?limit=5&password=[redacted]'],
      [8, 'GET', '/v1/notifications', userId, '/v1/notifications?limit=5'],
      [9, 'POST', '/v1/auth/refresh', null, '/v1/auth/refresh'],
      [10, 'POST', '/v1/auth/login', null, '/v1/auth/login'],
      [11, 'POST', '/v1/auth/login', null, '/v1/auth/login'],
      [12, 'GET', '/v1/admin/api-logs', userId, '/v1/admin/api-logs'],
      [13, 'GET', '/v1/__test/boom', null, '/v1/__test/boom'],
    ];
    for (const [step, method, route, user, path] of expected) {
      expect({ step, method: row(step).method, route: row(step).route, userId: row(step).user_id, path: row(step).path, status: row(step).status }).toEqual({
        step,
        method,
        route,
        userId: user,
        path,
        status: sent[step].status,
      });
    }

    const finished = new Date();
    for (const r of rows) {
      expect(r.ip).toBe('127.0.0.1');
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
      expect(r.duration_ms).toBeLessThan(10_000);
      expect(r.created_at.getTime()).toBeGreaterThanOrEqual(started.getTime() - 5);
      expect(r.created_at.getTime()).toBeLessThanOrEqual(finished.getTime());
    }
    // The Content-Length of the answer; the user agent is cut at 512 characters.
    expect(Number(row(1).response_bytes)).toBe(sent[1].bodyBytes);
    expect(row(1).user_agent).toBe(longAgent.slice(0, 512));
    expect(row(0).user_agent).toBe('api-log-journey/1.0');

    const stored = JSON.stringify(rows);
    const refreshedTokens = refreshed.json as unknown as Tokens;
    for (const secret of [GOOD_PASSWORD, tokens.accessToken, tokens.refreshToken, refreshedTokens.refreshToken, 'supersecret-query-token', 'hunter2-in-query']) {
      expect(stored).not.toContain(secret);
    }
  });

  describe('GET /v1/admin/api-logs', () => {
    let t: TestApp;
    let sql: Client;
    let service: ApiLogService;
    let api: ReturnType<typeof client>;
    let ada: Tokens;
    let admin: Tokens;

    type Listed = { data: Array<Record<string, unknown> & { id: string; createdAt: string; userId: string | null; status: number; method: string; route: string | null }>; nextCursor: string | null };

    beforeAll(async () => {
      // Only explicit flushes write, so the listings below compare with a table that holds still.
      ({ t, sql, service } = await boot({ AUTH_RATE_LIMIT_MAX: '10000', API_LOG_FLUSH_INTERVAL_MS: '60000' }));
      api = client(t.url);
      ada = await api.register();
      const adminEmail = uniqueEmail('admin');
      const registered = await api.register(adminEmail);
      await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
      admin = await api.login(adminEmail);

      for (let i = 0; i < 3; i++) expect((await api.me(ada.accessToken)).status).toBe(200);
      expect((await api.call('GET', '/v1/notifications', { token: ada.accessToken })).status).toBe(200);
      expect((await api.call('PATCH', '/v1/users/me', { token: ada.accessToken, body: { name: 'Ada L.' } })).status).toBe(200);
      expect((await api.call('GET', '/v1/users/me')).status).toBe(401);
      expect((await api.call('GET', '/v1/users/me')).status).toBe(401);
      expect((await api.call('GET', '/v1/nothing-here')).status).toBe(404);
      expect(await service.flush()).toBe(true);
    });

    async function list(query: string): Promise<Listed> {
      const res = await api.call('GET', `/v1/admin/api-logs${query}`, { token: admin.accessToken });
      expect(res.status).toBe(200);
      return res.body as unknown as Listed;
    }

    async function listAll(query: string): Promise<Listed['data']> {
      const all: Listed['data'] = [];
      let page = await list(`${query}${query ? '&' : '?'}limit=2`);
      all.push(...page.data);
      while (page.nextCursor) {
        expect(page.data).toHaveLength(2);
        page = await list(`${query}${query ? '&' : '?'}limit=2&cursor=${page.nextCursor}`);
        all.push(...page.data);
      }
      return all;
    }

    async function idsFromDatabase(where: string, params: unknown[]): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>(`SELECT id FROM api_logs WHERE ${where} ORDER BY created_at DESC, id DESC`, params);
      return rows.map((r) => r.id);
    }

    it('answers 401 without a token and 403 to a non-admin', async () => {
      expect((await api.call('GET', '/v1/admin/api-logs')).status).toBe(401);
      const forbidden = await api.call('GET', '/v1/admin/api-logs', { token: ada.accessToken });
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);
    });

    it('lists newest first with camelCase fields', async () => {
      const page = await list('?limit=5');
      expect(page.data).toHaveLength(5);
      expect(Object.keys(page.data[0]).sort()).toEqual(
        ['createdAt', 'durationMs', 'id', 'ip', 'method', 'path', 'requestId', 'responseBytes', 'route', 'status', 'userAgent', 'userId'].sort(),
      );
      const times = page.data.map((r) => Date.parse(r.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    it("filters by user and pages through all of that user's rows with the cursor", async () => {
      const rows = await listAll(`?userId=${ada.user.id}`);
      expect(rows.every((r) => r.userId === ada.user.id)).toBe(true);
      expect(rows.map((r) => r.id)).toEqual(await idsFromDatabase('user_id = $1', [ada.user.id]));
      // 3 x /users/me, /notifications, PATCH /users/me.
      expect(rows).toHaveLength(5);
    });

    it('filters by status, method, route and time, alone and combined', async () => {
      const unauthorized = await listAll('?status=401');
      expect(unauthorized.map((r) => r.id)).toEqual(await idsFromDatabase('status = 401', []));
      expect(unauthorized.length).toBeGreaterThanOrEqual(2);

      const patches = await listAll('?method=patch');
      expect(patches.map((r) => r.method)).toEqual(['PATCH']);

      const me = await listAll(`?route=${encodeURIComponent('/v1/users/me')}&status=200`);
      expect(me.map((r) => r.id)).toEqual(await idsFromDatabase(`route = '/v1/users/me' AND status = 200`, []));
      expect(me.length).toBeGreaterThanOrEqual(4);

      const all = await idsFromDatabase('true', []);
      const { rows } = await sql.query<{ created_at: Date }>('SELECT created_at FROM api_logs WHERE id = $1', [all[Math.floor(all.length / 2)]]);
      const middle = rows[0].created_at.toISOString();
      const later = await listAll(`?from=${middle}`);
      expect(later.map((r) => r.id)).toEqual(await idsFromDatabase('created_at >= $1', [middle]));
      const earlier = await listAll(`?to=${middle}`);
      expect(earlier.map((r) => r.id)).toEqual(await idsFromDatabase('created_at < $1', [middle]));
      expect(later.length + earlier.length).toBe(all.length);
    });

    it('refuses invalid filters with a 400 naming the field', async () => {
      for (const [query, field] of [
        ['?status=abc', 'status'],
        ['?status=99', 'status'],
        ['?method=FETCH', 'method'],
        ['?userId=not-a-uuid', 'userId'],
        ['?from=yesterday', 'from'],
        ['?limit=101', 'limit'],
        ['?cursor=bogus', 'cursor'],
        ['?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'],
      ]) {
        const res = await api.call('GET', `/v1/admin/api-logs${query}`, { token: admin.accessToken });
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(JSON.stringify(res.body.errors)).toContain(field);
      }
      expect((await api.call('GET', '/v1/admin/api-logs?unknown=1', { token: admin.accessToken })).status).toBe(400);
    });
  });

  it('a graceful shutdown during load loses no accepted request, and lets a running job finish', async () => {
    // This instance also runs the scheduler, with a job in progress when the shutdown starts.
    // The job and the slow requests are held at one gate until the shutdown is under way.
    const slowJob = { name: 'drain-test', schedule: null, description: 'slow', run: () => gates.pass('drain').then(() => ({ details: { finished: true } })) };
    const { t, sql } = await boot(
      { AUTH_RATE_LIMIT_MAX: '10000', SCHEDULER_ENABLED: 'true', JOB_SESSION_PURGE_CRON: 'off', JOB_API_LOG_PARTITIONS_CRON: 'off', JOB_BACKUP_CRON: 'off', JOB_BACKUP_DRILL_CRON: 'off' },
      [TestJobsModule.with([slowJob])],
    );
    const jobs = t.app.get(JobsService);
    const prefix = `drain-${randomBytes(4).toString('hex')}-`;
    let n = 0;
    const fire = (path: string) => {
      const requestId = `${prefix}${n++}`;
      return fetch(`${t.url}${path}`, { headers: { 'x-request-id': requestId } }).then(
        async (res) => {
          await res.arrayBuffer();
          // Only requests the app accepted carry the id back; Fastify's load-shedding 503 does not.
          return { requestId, status: res.status, accepted: res.headers.get('x-request-id') === requestId };
        },
        () => ({ requestId, status: 0, accepted: false }),
      );
    };

    // In flight when the shutdown starts: held answers, plus quick ones of every kind.
    const load = [
      ...Array.from({ length: 20 }, () => fire('/v1/__test/held?gate=drain')),
      ...Array.from({ length: 20 }, (_, i) => fire(['/v1/users/me', '/v1/missing', '/v1/__test/slow?ms=1', '/v1/__test/boom'][i % 4])),
    ];
    const job = jobs.runNow('drain-test');
    await waitFor(() => gates.entered('drain') === 21, { what: 'the 20 held requests and the job to be in flight' });
    const shutdown = gracefulShutdown(t.app, { delayMs: 0, graceMs: 10_000 });
    // And more arriving while it drains (each answered or refused while the held ones still hold).
    const late = await Promise.all(Array.from({ length: 20 }, () => fire('/v1/users/me')));
    gates.open('drain');
    const results = [...(await Promise.all(load)), ...late];
    expect(await shutdown).toBe(true);
    // The job finished and was recorded before the pool closed; no tick is taken any more.
    expect(await job).toMatchObject({ status: 'ran', run: { outcome: 'success', details: { finished: true } } });
    expect(await jobs.runTick('drain-test', new Date(), 'schedule')).toEqual({ status: 'skipped', reason: 'stopping' });

    const accepted = results.filter((r) => r.accepted);
    expect(results.filter((r) => r.status === 200 && r.accepted).length).toBeGreaterThanOrEqual(20);
    // The app is closed: only the final flush can have written these rows.
    const rows = await storedRows(sql, undefined, prefix, accepted.length);
    expect(rows.map((r) => r.request_id).sort()).toEqual(accepted.map((r) => r.requestId).sort());
  });

  it('without an HTTP server (worker, cli) nothing is hooked; maintenance works and the context closes', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const env = { NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent', DB_POOL_MIN: '0', DB_POOL_MAX: '2' };
    const moduleRef = await Test.createTestingModule({ imports: [WorkerModule.register({ env }), ApiLogProvidersOnlyModule] }).compile();
    await moduleRef.init();
    const service = moduleRef.get(ApiLogService);
    expect(await service.maintainPartitions(new Date())).toEqual({ created: [], dropped: [], skipped: false });
    expect(await service.flush()).toBe(true);
    await moduleRef.close();
  });
});
