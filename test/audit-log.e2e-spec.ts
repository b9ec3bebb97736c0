import { Client } from 'pg';
import { AuditService } from '@app/auditing';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, GOOD_PASSWORD, uniqueEmail, type Tokens } from './support/auth-client';

interface AuditRow {
  id: string;
  action: string;
  outcome: string;
  actorId: string | null;
  entityType: string | null;
  entityId: string | null;
  problemType: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: Record<string, unknown>;
  before: unknown;
  after: unknown;
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

describe('audit log (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sql: Client;
  let admin: Tokens;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { SESSION_CACHE_TTL_MS: '0', AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const email = uniqueEmail('admin');
    const registered = await api.register(email);
    await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
    admin = await api.login(email);
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  async function events(query: string): Promise<AuditRow[]> {
    const res = await api.call('GET', `/v1/admin/audit-logs?${query}`, { token: admin.accessToken });
    expect(res.status).toBe(200);
    return res.body.data as unknown as AuditRow[];
  }

  async function verify(): Promise<{ ok: boolean; checked: number; firstBrokenId?: string }> {
    const res = await api.call('GET', '/v1/admin/audit-logs/verify', { token: admin.accessToken });
    expect(res.status).toBe(200);
    return res.body as unknown as { ok: boolean; checked: number; firstBrokenId?: string };
  }

  it('records sign-in failures, lockouts and token reuse with IP and user agent, never secrets', async () => {
    const email = uniqueEmail('victim');
    const victim = await api.register(email, GOOD_PASSWORD, { 'user-agent': 'AuditAgent/1.0' });
    const headers = { 'user-agent': 'AuditAgent/1.0', 'x-request-id': 'audit-req-1' };
    for (let i = 0; i < 5; i++) {
      await api.call('POST', '/v1/auth/login', { body: { email, password: 'wrong-password-secret' }, headers });
    }
    const refreshed = await api.refresh(victim.refreshToken);
    expect(refreshed.status).toBe(200);
    // Past REFRESH_REUSE_GRACE_MS (moved back instead of waited for), the old token again is reuse.
    await sql.query(`UPDATE sessions SET used_at = used_at - interval '1 hour' WHERE family_id = $1 AND used_at IS NOT NULL`, [victim.sessionId]);
    expect((await api.refresh(victim.refreshToken)).status).toBe(401);

    const failures = await events(`action=auth.login&limit=100`);
    const mine = failures.filter((e) => e.metadata.email === email);
    expect(mine.length).toBe(5);
    expect(mine.every((e) => e.outcome === 'failure')).toBe(true);
    expect(mine[0]).toMatchObject({ ip: '127.0.0.1', userAgent: 'AuditAgent/1.0', requestId: 'audit-req-1' });
    expect(mine.map((e) => e.problemType)).toEqual(expect.arrayContaining([expect.stringMatching(/account-locked$/), expect.stringMatching(/invalid-credentials$/)]));

    const lockouts = await events(`action=auth.lockout&entityId=${victim.user.id}`);
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ entityType: 'user', ip: '127.0.0.1', userAgent: 'AuditAgent/1.0' });

    const reuse = await events(`action=auth.refresh-token-reuse&actorId=${victim.user.id}`);
    expect(reuse).toHaveLength(1);
    expect(reuse[0]).toMatchObject({ entityType: 'session', entityId: victim.sessionId });

    const all = JSON.stringify((await sql.query('SELECT * FROM audit_logs')).rows);
    expect(all).not.toContain('wrong-password-secret');
    expect(all).not.toContain(GOOD_PASSWORD);
    expect(all).not.toContain(victim.refreshToken);
    expect(all).not.toContain(victim.accessToken);
  });

  it('records admin changes with before, after and changes, in the same transaction as the change', async () => {
    const target = await api.register();
    const res = await api.call('PATCH', `/v1/admin/users/${target.user.id}`, { token: admin.accessToken, body: { role: 'admin' } });
    expect(res.status).toBe(200);
    const [changed] = await events(`action=users.role-changed&entityId=${target.user.id}`);
    expect(changed).toMatchObject({ actorId: admin.user.id, before: { role: 'user' }, after: { role: 'admin' }, changes: { role: { from: 'user', to: 'admin' } } });
    const [request] = await events(`action=admin.users.update&entityType=user&entityId=${target.user.id}`);
    expect(request).toMatchObject({ outcome: 'success', actorId: admin.user.id, changes: { role: { from: 'user', to: 'admin' } } });
    // The changes column is searchable by field (GIN index).
    const byField = await events(`field=role&actorId=${admin.user.id}`);
    expect(byField.map((e) => e.id)).toEqual(expect.arrayContaining([changed.id, request.id]));
    expect(await events(`field=status&entityId=${target.user.id}`)).toEqual([]);
  });

  it('paginates newest first and refuses bad filters', async () => {
    const first = await api.call('GET', '/v1/admin/audit-logs?limit=2', { token: admin.accessToken });
    const second = await api.call('GET', `/v1/admin/audit-logs?limit=2&cursor=${first.body.nextCursor as string}`, { token: admin.accessToken });
    const ids = [...(first.body.data as AuditRow[]), ...(second.body.data as AuditRow[])].map((e) => e.id);
    expect(new Set(ids).size).toBe(4);
    expect((await api.call('GET', '/v1/admin/audit-logs?actorId=nope', { token: admin.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/v1/admin/audit-logs?from=yesterday', { token: admin.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/v1/admin/audit-logs?cursor=%%%', { token: admin.accessToken })).status).toBe(400);
  });

  it('answers 403 to non-admins on every admin route', async () => {
    const user = await api.register();
    for (const path of ['/v1/admin/audit-logs', '/v1/admin/audit-logs/verify', '/v1/admin/users']) {
      expect((await api.call('GET', path, { token: user.accessToken })).status).toBe(403);
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE from the application role', async () => {
    for (const statement of ['UPDATE audit_logs SET action = action', 'DELETE FROM audit_logs', 'TRUNCATE audit_logs']) {
      await expect(sql.query(statement)).rejects.toThrow(/append-only/);
    }
  });

  it('keeps a valid chain under concurrent writers', async () => {
    const audit = t.app.get(AuditService);
    await Promise.all(Array.from({ length: 40 }, (_, i) => audit.record({ action: 'test.concurrent-write', metadata: { i } })));
    const users = await Promise.all(Array.from({ length: 10 }, () => api.register()));
    expect(users).toHaveLength(10);
    const result = await verify();
    const [{ count }] = (await sql.query('SELECT count(*)::int AS count FROM audit_logs')).rows;
    expect(result).toMatchObject({ ok: true, checked: count });
    const seqs = (await sql.query('SELECT seq FROM audit_logs ORDER BY seq')).rows.map((r: { seq: string }) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('detects a row changed, or deleted, behind the application’s back', async () => {
    const tamper = new Client({ connectionString: db.url });
    await tamper.connect();
    try {
      // A superuser bypassing the triggers.
      await tamper.query('SET session_replication_role = replica');
      const rows = (await tamper.query('SELECT id FROM audit_logs ORDER BY seq')).rows as Array<{ id: string }>;
      const victim = rows[Math.floor(rows.length / 2)];
      await tamper.query(`UPDATE audit_logs SET metadata = metadata || '{"edited": true}' WHERE id = $1`, [victim.id]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: victim.id });
      await tamper.query(`UPDATE audit_logs SET metadata = metadata - 'edited' WHERE id = $1`, [victim.id]);
      expect((await verify()).ok).toBe(true);

      const deleted = rows[3];
      const successor = rows[4];
      await tamper.query('DELETE FROM audit_logs WHERE id = $1', [deleted.id]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: successor.id });
    } finally {
      await tamper.end();
    }
  });

  it('purges through the one privileged function, which audits itself', async () => {
    const purge = await createTestDatabase();
    const db2 = new Client({ connectionString: purge.url });
    await db2.connect();
    try {
      await db2.query(`INSERT INTO audit_logs (action, outcome, seq, prev_hash, hash) VALUES ('test.old', 'success', 0, '', ''), ('test.old', 'success', 0, '', '')`);
      await db2.query(`INSERT INTO audit_logs (action, outcome, seq, prev_hash, hash) VALUES ('test.new', 'success', 0, '', '')`);
      const [{ audit_logs_purge: removed }] = (await db2.query(`SELECT audit_logs_purge(now() + interval '1 second', NULL)`)).rows;
      expect(Number(removed)).toBe(3);
      const left = (await db2.query('SELECT action, metadata FROM audit_logs')).rows;
      expect(left).toEqual([{ action: 'audit.purge', metadata: expect.objectContaining({ removed: 3 }) }]);
    } finally {
      await db2.end();
      await purge.drop();
    }
  });
});
