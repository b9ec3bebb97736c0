import { randomBytes, randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/sequelize';
import { Client } from 'pg';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { ApiLog, ApiLogService } from '@app/auditing/api-log';
import { apiLogListQuery, ApiLogRepository } from '@app/auditing/api-log/api-log.repository';
import { monthPartition } from '@app/auditing/api-log/api-log-partitions.util';
import type { ApiLogFilter } from '@app/auditing/api-log/api-log.types';
import { findSchemaDrift } from '@app/database';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';


async function partitionNames(sql: Client): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'api_logs'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

describe('api_logs partitions (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;
  let service: ApiLogService;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { API_LOG_RETENTION_DAYS: '90' } });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    service = t.app.get(ApiLogService);
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('the migration made the current and next month (UTC); maintenance creates ahead, drops past retention, and is idempotent', async () => {
    const now = new Date();
    const current = monthPartition(now);
    const next = monthPartition(current.to);
    expect(await partitionNames(sql)).toEqual([current.name, next.name]);

    // Two old months, one with a row.
    await sql.query(`CREATE TABLE api_logs_2020_01 PARTITION OF api_logs FOR VALUES FROM ('2020-01-01T00:00:00Z') TO ('2020-02-01T00:00:00Z')`);
    await sql.query(`CREATE TABLE api_logs_2020_02 PARTITION OF api_logs FOR VALUES FROM ('2020-02-01T00:00:00Z') TO ('2020-03-01T00:00:00Z')`);
    await sql.query(
      `INSERT INTO api_logs (created_at, request_id, method, path, status, duration_ms) VALUES ('2020-01-15T00:00:00Z', 'old', 'GET', '/', 200, 1)`,
    );
    expect(await service.maintainPartitions(now)).toEqual({ created: [], dropped: ['api_logs_2020_01', 'api_logs_2020_02'], skipped: false });
    expect(await partitionNames(sql)).toEqual([current.name, next.name]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM api_logs WHERE request_id = 'old'`)).rows[0].n).toBe(0);

    // Far ahead: creates that month and the next, and drops everything older than 90 days.
    const june = new Date('2040-06-15T12:00:00Z');
    expect(await service.maintainPartitions(june)).toEqual({
      created: ['api_logs_2040_06', 'api_logs_2040_07'],
      dropped: [current.name, next.name],
      skipped: false,
    });
    expect(await service.maintainPartitions(june)).toEqual({ created: [], dropped: [], skipped: false });

    // 1 October 2040: the cutoff is 3 July, so June (ends 1 July) goes and July (ends 1 August) stays.
    expect(await service.maintainPartitions(new Date('2040-10-01T00:00:00Z'))).toEqual({
      created: ['api_logs_2040_10', 'api_logs_2040_11'],
      dropped: ['api_logs_2040_06'],
      skipped: false,
    });
    expect(await partitionNames(sql)).toEqual(['api_logs_2040_07', 'api_logs_2040_10', 'api_logs_2040_11']);

    // Two instances at once: the advisory lock serializes them and each change happens once.
    // 10 January 2041: the cutoff is 12 October 2040, so July goes and October stays.
    const january = new Date('2041-01-10T00:00:00Z');
    const [a, b] = await Promise.all([service.maintainPartitions(january), service.maintainPartitions(january)]);
    expect([...a.created, ...b.created].sort()).toEqual(['api_logs_2041_01', 'api_logs_2041_02']);
    expect([...a.dropped, ...b.dropped].sort()).toEqual(['api_logs_2040_07']);
    expect(await partitionNames(sql)).toEqual(['api_logs_2040_10', 'api_logs_2040_11', 'api_logs_2041_01', 'api_logs_2041_02']);

    // Partitions are tables of their own: the model still matches the parent exactly.
    expect(await findSchemaDrift(t.app.get<Sequelize>(getConnectionToken()), [ApiLog])).toEqual([]);
  });

  it('a request whose month has no partition is still logged: the writer creates the partition', async () => {
    // The previous test dropped this month's partition (and boot maintenance has run long ago).
    const current = monthPartition(new Date());
    await sql.query(`DROP TABLE IF EXISTS ${current.name}`);
    const prefix = `nopart-${randomBytes(4).toString('hex')}-`;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${t.url}/v1/users/me`, { headers: { 'x-request-id': `${prefix}${i}` } });
      expect(res.status).toBe(401);
    }
    // A row is pushed just after its response: flush until all three are written.
    const stored = await waitFor(
      async () => {
        expect(await service.flush()).toBe(true);
        return (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_logs WHERE request_id LIKE $1`, [`${prefix}%`])).rows[0].n;
      },
      { what: 'the three rows', intervalMs: 20, until: (n) => n >= 3 },
    );
    expect(stored).toBe(3);
    expect(await partitionNames(sql)).toContain(current.name);
  });

  it('re-sending a batch that had in fact been written adds nothing (a flush retried after a lost answer)', async () => {
    const repository = t.app.get(ApiLogRepository, { strict: false });
    const requestId = `resend-${randomBytes(4).toString('hex')}`;
    const batch = [0, 1].map((i) => ({
      id: randomUUID(),
      createdAt: new Date(),
      requestId: `${requestId}-${i}`,
      userId: null,
      method: 'GET',
      route: '/v1/users/me',
      path: '/v1/users/me',
      status: 200,
      durationMs: 1,
      responseBytes: null,
      ip: '127.0.0.1',
      userAgent: 'jest',
    }));
    await repository.insertMany(batch);
    await repository.insertMany(batch);
    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_logs WHERE request_id LIKE $1`, [`${requestId}-%`]);
    expect(rows[0].n).toBe(2);
  });

  it('stores every value as given: quotes, backslashes, braces, commas, NULL-like text and non-ASCII', async () => {
    const repository = t.app.get(ApiLogRepository, { strict: false });
    const createdAt = new Date('2026-11-25T01:02:03.456Z');
    const row = {
      id: randomUUID(),
      createdAt,
      requestId: `odd-${randomBytes(4).toString('hex')}`,
      userId: randomUUID(),
      method: 'PATCH',
      route: null,
      path: '/v1/x?q={"a":[1,2]},\\ NULL',
      status: 418,
      durationMs: 12.345,
      responseBytes: 9_007_199_254,
      ip: '::1',
      userAgent: `Agent "quoted" \\back\\slash, {brace} NULL é 日本`,
    };
    await repository.insertMany([row, { ...row, id: randomUUID(), requestId: `${row.requestId}-2`, userId: null, route: '/r', path: '', ip: null, userAgent: null, responseBytes: null }]);
    const { rows } = await sql.query(
      `SELECT id, created_at, user_id, method, route, path, status, duration_ms, response_bytes::text AS response_bytes, ip, user_agent
         FROM api_logs WHERE request_id LIKE $1 ORDER BY request_id`,
      [`${row.requestId}%`],
    );
    expect(rows[0]).toEqual({
      id: row.id,
      created_at: createdAt,
      user_id: row.userId,
      method: 'PATCH',
      route: null,
      path: row.path,
      status: 418,
      duration_ms: 12.345,
      response_bytes: '9007199254',
      ip: '::1',
      user_agent: row.userAgent,
    });
    expect(rows[1]).toMatchObject({ user_id: null, route: '/r', path: '', ip: null, user_agent: null, response_bytes: null });
  });
});

describe('GET /v1/admin/api-logs query plans (e2e)', () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  /** Index of a partition -> the index of api_logs it belongs to. */
  let parentIndex: Map<string, string>;

  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }

  function nodes(plan: PlanNode): PlanNode[] {
    return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
  }

  async function plan(filter: ApiLogFilter, after?: { createdAt: string; id: string }): Promise<{ scans: string[]; indexes: string[] }> {
    const { sql, replacements } = apiLogListQuery(filter, 20, after);
    const [row] = await sequelize.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, {
      replacements,
      type: QueryTypes.SELECT,
    });
    const all = nodes(row['QUERY PLAN'][0].Plan);
    return {
      scans: all.map((n) => n['Node Type']),
      indexes: [...new Set(all.flatMap((n) => (n['Index Name'] ? [parentIndex.get(n['Index Name']) ?? n['Index Name']] : [])))],
    };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = new Sequelize(db.url, { logging: false });
    // 60 000 requests over this month and the next: 500 users (10% anonymous), 40 routes,
    // mostly GET and 200, a few DELETEs and 500s.
    await sequelize.query(`
      INSERT INTO api_logs (created_at, request_id, user_id, method, route, path, status, duration_ms, response_bytes, ip, user_agent)
      SELECT m.start + random() * (m.start + interval '2 months' - m.start),
             'r' || g,
             CASE WHEN g % 10 = 0 THEN NULL ELSE CAST('00000000-0000-4000-8000-' || lpad(CAST(g % 500 AS text), 12, '0') AS uuid) END,
             CASE WHEN g % 100 = 0 THEN 'DELETE' WHEN g % 5 = 0 THEN 'POST' ELSE 'GET' END,
             '/v1/route-' || (g % 40),
             '/v1/route-' || (g % 40),
             CASE WHEN g % 97 = 0 THEN 500 WHEN g % 7 = 0 THEN 404 ELSE 200 END,
             random() * 50, 100, '127.0.0.1', 'plan-test'
        FROM generate_series(1, 60000) AS g,
             (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start) AS m`);
    await sequelize.query('ANALYZE api_logs');
    const links = await sequelize.query<{ child: string; parent: string }>(
      `SELECT c.relname AS child, p.relname AS parent
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relkind = 'I' AND p.relname LIKE 'api_logs%'`,
      { type: QueryTypes.SELECT },
    );
    parentIndex = new Map(links.map((l) => [l.child, l.parent]));
  });

  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  const start = monthPartition(new Date()).from;
  const hourLater = new Date(start.getTime() + 3_600_000);

  it.each<[string, ApiLogFilter, string]>([
    ['no filter', {}, 'api_logs_created_at_id_idx'],
    ['userId', { userId: '00000000-0000-4000-8000-000000000123' }, 'api_logs_user_id_created_at_idx'],
    ['status', { status: 500 }, 'api_logs_status_created_at_idx'],
    ['method', { method: 'DELETE' }, 'api_logs_method_created_at_idx'],
    ['route', { route: '/v1/route-7' }, 'api_logs_route_created_at_idx'],
    ['from and to', { from: start, to: hourLater }, 'api_logs_created_at_id_idx'],
  ])('%s is served by an index', async (_name, filter, index) => {
    const { scans, indexes } = await plan(filter);
    expect(scans).not.toContain('Seq Scan');
    expect(indexes).toContain(index);
  });

  it('the next page (keyset position) and combined filters use indexes too', async () => {
    const after = { createdAt: new Date(start.getTime() + 86_400_000).toISOString().replace('Z', '000Z'), id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' };
    for (const filter of [{}, { userId: '00000000-0000-4000-8000-000000000042' }, { status: 404, method: 'POST' }, { userId: '00000000-0000-4000-8000-000000000042', from: start }]) {
      const { scans, indexes } = await plan(filter, after);
      expect({ filter, seq: scans.includes('Seq Scan') }).toEqual({ filter, seq: false });
      expect(indexes.length).toBeGreaterThan(0);
    }
  });
});
