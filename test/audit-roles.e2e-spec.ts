import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, databaseUrl, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail, type Tokens } from './support/auth-client';
import { ADMIN_URL_VAR } from './setup/test-env';

/** A connection string for `role` on `database`, on the test server. */
function urlAs(database: string, role: string, password: string): string {
  const u = new URL(databaseUrl(database));
  u.username = role;
  u.password = password;
  return u.toString();
}

async function asAdmin(statement: string): Promise<void> {
  const c = new Client({ connectionString: process.env[ADMIN_URL_VAR] });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/**
 * Two database roles: migrations run as the owner (MIGRATION_DATABASE_URL) and grant the app's
 * role (DATABASE_URL) what it needs; on audit_logs that is INSERT, SELECT and the purge function.
 */
describe('audit log under two database roles (e2e)', () => {
  const role = `clearmark_app_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let db: TestDatabase;
  let t: TestApp;
  let app: Client;
  let owner: Client;
  let admin: Tokens;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    db = await createTestDatabase();
    // What an operator does: create the app's role (the owner is the test server's superuser here).
    await asAdmin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    t = await startTestApp({
      databaseUrl: urlAs(db.name, role, password),
      env: { MIGRATION_DATABASE_URL: db.url, AUTH_RATE_LIMIT_MAX: '10000', SESSION_CACHE_TTL_MS: '0' },
    });
    api = client(t.url);
    app = new Client({ connectionString: urlAs(db.name, role, password) });
    await app.connect();
    owner = new Client({ connectionString: db.url });
    await owner.connect();
    const email = uniqueEmail('admin');
    const registered = await api.register(email);
    await owner.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
    admin = await api.login(email);
  });

  afterAll(async () => {
    await app?.end();
    await owner?.end();
    await t?.close();
    await db?.drop();
    await asAdmin(`DROP ROLE IF EXISTS ${role}`);
  });

  it('the app runs as its own role: it signs in, changes data and its audit chain verifies', async () => {
    const [{ who }] = (await app.query('SELECT current_user AS who')).rows as Array<{ who: string }>;
    expect(who).toBe(role);
    const user = await api.register();
    const patched = await api.call('PATCH', '/v1/users/me', { token: user.accessToken, body: { name: 'Renamed' } });
    expect(patched.status).toBe(200);
    const verify = await api.call('GET', '/v1/admin/audit-logs/verify', { token: admin.accessToken });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true });
    // The tables belong to the owner, never to the app's role.
    const owned = (await owner.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1`, [role])).rows;
    expect(owned).toEqual([{ n: 0 }]);
  });

  it('the app role cannot UPDATE, DELETE or TRUNCATE audit_logs, nor disable its triggers', async () => {
    for (const statement of [
      'UPDATE audit_logs SET action = action',
      'DELETE FROM audit_logs',
      'TRUNCATE audit_logs',
      'ALTER TABLE audit_logs DISABLE TRIGGER USER',
      'SET session_replication_role = replica',
      'DROP TRIGGER audit_logs_append_only ON audit_logs',
    ]) {
      await expect(app.query(statement)).rejects.toThrow(/permission denied|must be owner/);
    }
  });

  it('the session-variable bypass is gone, for the app role and for the owner alike', async () => {
    const before = (await owner.query('SELECT count(*)::int AS n FROM audit_logs')).rows[0] as { n: number };
    await app.query(`SET clearmark.audit_purge = 'on'`);
    await expect(app.query('DELETE FROM audit_logs')).rejects.toThrow(/permission denied/);
    await owner.query(`SET clearmark.audit_purge = 'on'`);
    await expect(owner.query('DELETE FROM audit_logs')).rejects.toThrow(/append-only/);
    await owner.query('RESET clearmark.audit_purge');
    // The purge's own mark cannot be forged either, nor an audit.purge event inserted by hand.
    await expect(app.query(`INSERT INTO audit_logs_purge_marks (txid) VALUES (pg_current_xact_id())`)).rejects.toThrow(/permission denied/);
    await expect(
      app.query(`INSERT INTO audit_logs (action, outcome, seq, prev_hash, hash, metadata) VALUES ('audit.purge', 'success', 0, '', '', '{"removed": 0}')`),
    ).rejects.toThrow(/audit_logs_purge\(\) only/);
    const after = (await owner.query('SELECT count(*)::int AS n FROM audit_logs')).rows[0] as { n: number };
    expect(after.n).toBe(before.n);
  });

  it('the app role may INSERT and SELECT, and purge only through the function, which records audit.purge', async () => {
    await app.query(`INSERT INTO audit_logs (action, outcome, seq, prev_hash, hash) VALUES ('test.by-app', 'success', 0, '', '')`);
    const total = Number((await app.query('SELECT count(*) AS n FROM audit_logs')).rows[0].n);
    const [{ removed }] = (await app.query(`SELECT audit_logs_purge(now() + interval '1 second', NULL) AS removed`)).rows as Array<{ removed: string }>;
    expect(Number(removed)).toBe(total);
    const left = (await app.query('SELECT action, metadata, prev_hash FROM audit_logs ORDER BY seq')).rows as Array<{
      action: string;
      metadata: Record<string, unknown>;
      prev_hash: string;
    }>;
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ action: 'audit.purge', metadata: expect.objectContaining({ removed: total }) });
    // The purge event links to the last removed row: the chain still verifies.
    expect(left[0].prev_hash).toBe(left[0].metadata.lastRemovedHash);
    const verify = await api.call('GET', '/v1/admin/audit-logs/verify', { token: admin.accessToken });
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('owner functions run by the app are granted to its role only, never to PUBLIC', async () => {
    // The registry import settles the GIN indexes through this owner function, as the app's role.
    const [{ pages }] = (await app.query('SELECT trademark_records_settle() AS pages')).rows as Array<{ pages: string }>;
    expect(Number(pages)).toBeGreaterThanOrEqual(0);
    const definers = (
      await owner.query(
        `SELECT p.oid::regprocedure::text AS fn, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may,
                has_function_privilege($1, p.oid, 'EXECUTE') AS app_may
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public' AND p.prosecdef ORDER BY 1`,
        [role],
      )
    ).rows as Array<{ fn: string; public_may: boolean; app_may: boolean }>;
    expect(definers.map((d) => d.fn)).toEqual(expect.arrayContaining(['trademark_records_settle()', 'audit_logs_purge(timestamp with time zone,uuid)']));
    // Every SECURITY DEFINER function is closed to PUBLIC, but for a trigger function (not callable
    // by itself) and the read-only check the append-only trigger makes as whoever writes.
    const open = new Set(['audit_logs_chain()', 'audit_logs_purging()']);
    expect(definers.filter((d) => d.public_may && !open.has(d.fn))).toEqual([]);
    expect(definers.find((d) => d.fn === 'trademark_records_settle()')?.app_may).toBe(true);
  });
});
