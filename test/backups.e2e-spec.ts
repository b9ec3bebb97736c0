import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BackupsService, RestoreRefusedError, type BackupRunRecord } from '@app/backups';
import { ALL_MODELS } from '../apps/composition/src';
import { JobsService } from '@app/jobs';
import { client, uniqueEmail, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * Dumping needs PostgreSQL's client programs, which a machine with only Node.js lacks (the
 * embedded server ships none): there, the cases that dump are skipped and say so, while the
 * missing-pg_dump cases still run. CI sets REQUIRE_PG_CLIENT_TOOLS=1 (.ci/run installs
 * postgresql-client), which turns that skip into a failure: a green CI run has dumped and restored.
 */
const pgDumpAvailable = spawnSync(process.env.PG_DUMP_PATH || 'pg_dump', ['--version']).status === 0;
const pgDumpRequired = process.env.REQUIRE_PG_CLIENT_TOOLS === '1';
if (!pgDumpAvailable && !pgDumpRequired) {
  process.stderr.write('backups e2e: pg_dump not found (install postgresql-client-15): skipping the cases that dump\n');
}
const describeWithPgDump = pgDumpAvailable || pgDumpRequired ? describe : describe.skip;

/** Polls a backup run started over HTTP until it is no longer running. */
async function finishedRun(api: ReturnType<typeof client>, id: string, token: string): Promise<Record<string, unknown>> {
  return waitFor(async () => (await api.call('GET', `/v1/admin/backups/${id}`, { token })).body, {
    what: `backup run ${id} to finish`,
    intervalMs: 100,
    until: (run) => run.status !== 'running',
  });
}

/** The readiness answer once its checks could all answer (on a loaded machine a bounded check may miss once). */
async function readyBackupCheck(url: string): Promise<Record<string, unknown>> {
  const body = (await waitFor(
    async () => {
      const res = await fetch(`${url}/health/ready`);
      return { status: res.status, body: (await res.json()) as { info?: Record<string, Record<string, unknown>> } };
    },
    { what: 'readiness 200 with a known backup state', until: (r) => r.status === 200 && r.body.info?.backup?.state !== 'unknown' },
  )).body;
  return body.info!.backup;
}

function tableNames(): string[] {
  return [...new Set(ALL_MODELS.map((m) => m.getTableName() as string))].sort();
}

async function countRows(sql: Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tableNames()) counts[table] = Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return counts;
}

async function withClient<T>(url: string, work: (sql: Client) => Promise<T>): Promise<T> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

describe('backups (e2e)', () => {
  const databases: TestDatabase[] = [];
  const apps: TestApp[] = [];
  const dirs: string[] = [];

  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
    await Promise.all(databases.map((d) => d.drop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function database(options: { empty?: boolean } = {}): Promise<TestDatabase> {
    const db = await createTestDatabase(options);
    databases.push(db);
    return db;
  }

  function backupDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'clearmark-backups-'));
    dirs.push(dir);
    return join(dir, 'backups');
  }

  async function boot(db: TestDatabase, env: Record<string, string>): Promise<{ t: TestApp; service: BackupsService; admin: Tokens; user: Tokens }> {
    const t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '1000', ...env } });
    apps.push(t);
    const api = client(t.url);
    const user = await api.register();
    const adminEmail = uniqueEmail('admin');
    const registered = await api.register(adminEmail);
    await withClient(db.url, (sql) => sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]));
    const admin = await api.login(adminEmail);
    return { t, service: t.app.get(BackupsService), admin, user };
  }

  describeWithPgDump('with pg_dump available', () => {
    let source: TestDatabase;
    let dir: string;
    let t: TestApp;
    let service: BackupsService;
    let admin: Tokens;
    let user: Tokens;
    let backup: BackupRunRecord;

    beforeAll(() => {
      // Only reached without pg_dump when REQUIRE_PG_CLIENT_TOOLS=1: fail every case rather than skip.
      if (!pgDumpAvailable) throw new Error('pg_dump not found and REQUIRE_PG_CLIENT_TOOLS=1: install postgresql-client (or set PG_DUMP_PATH)');
    });

    beforeAll(async () => {
      source = await database();
      dir = backupDir();
      ({ t, service, admin, user } = await boot(source, { BACKUP_DIR: dir, BACKUP_KEEP_DAILY: '2', BACKUP_KEEP_WEEKLY: '2', BACKUP_KEEP_MONTHLY: '1' }));
      // Some rows in every kind of table: accounts, sessions, notifications, audit and request logs.
      const api = client(t.url);
      for (let i = 0; i < 3; i++) await api.register();
      await api.call('GET', '/v1/users/me', { token: user.accessToken });
    });

    it('readiness reports that there is no backup yet, without failing', async () => {
      expect(await readyBackupCheck(t.url)).toMatchObject({ status: 'up', state: 'degraded', reason: 'no successful backup yet' });
    });

    it('makes a verified custom-format dump with its checksum and the row counts of its snapshot', async () => {
      const before = await withClient(source.url, countRows);
      backup = await service.createBackup();
      expect(backup).toMatchObject({ kind: 'backup', status: 'success', verified: true, verifyError: null, error: null });
      expect(backup.file).toMatch(/^clearmark-\d{8}T\d{6}Z-[0-9a-f]{8}\.dump$/);
      const path = join(dir, backup.file!);
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 5).toString()).toBe('PGDMP'); // pg_dump's custom format
      expect(backup.sizeBytes).toBe(bytes.length);
      const { createHash } = await import('node:crypto');
      expect(backup.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(readFileSync(`${path}.sha256`, 'utf8')).toBe(`${backup.sha256}  ${backup.file}\n`);
      expect(existsSync(`${path}.partial`)).toBe(false);

      // The counts are those of the dump's snapshot: the tables as they were, every main table.
      const tables = (backup.details as { tables: Record<string, number> }).tables;
      expect(Object.keys(tables).sort()).toEqual(tableNames());
      for (const table of ['users', 'user_preferences', 'sessions', 'notifications', 'audit_logs']) expect(tables[table]).toBe(before[table]);
      expect(tables.users).toBe(5);
      // The backup's own row is in its snapshot, still running.
      expect(tables.backup_runs).toBe(1);

      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(Number(/^backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1])).toBe(backup.startedAt.getTime() / 1000);
      expect(metrics).toMatch(new RegExp(`^backup_size_bytes ${backup.sizeBytes}$`, 'm'));
      expect(metrics).toMatch(/^backup_duration_seconds_count 1$/m);
      expect(metrics).toMatch(/^backup_failures_total\{kind="backup"\} 0$/m);

      expect(await readyBackupCheck(t.url)).toMatchObject({ status: 'up', state: 'ok', lastSuccessAt: backup.startedAt.toISOString() });
    });

    it('lists backups to admins only, and starts one with 202', async () => {
      const api = client(t.url);
      expect((await api.call('GET', '/v1/admin/backups')).status).toBe(401);
      expect((await api.call('GET', '/v1/admin/backups', { token: user.accessToken })).status).toBe(403);
      const forbidden = await api.call('POST', '/v1/admin/backups', { token: user.accessToken });
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);

      const listed = await api.call('GET', '/v1/admin/backups', { token: admin.accessToken });
      expect(listed.status).toBe(200);
      const data = listed.body.data as Array<Record<string, unknown>>;
      expect(data[0]).toMatchObject({ id: backup.id, kind: 'backup', status: 'success', file: backup.file, sizeBytes: backup.sizeBytes, sha256: backup.sha256, verified: true });

      const started = await api.call('POST', '/v1/admin/backups', { token: admin.accessToken });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ kind: 'backup', status: 'running' });
      expect(started.headers.get('location')).toBe(`/v1/admin/backups/${started.body.id as string}`);
      const run = await finishedRun(api, started.body.id as string, admin.accessToken);
      expect(run).toMatchObject({ status: 'success', verified: true });
      expect((await api.call('GET', `/v1/admin/backups/${randomBytes(16).toString('hex').replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`, { token: admin.accessToken })).status).toBe(404);

      const page = await api.call('GET', '/v1/admin/backups?limit=1&kind=backup', { token: admin.accessToken });
      expect((page.body.data as unknown[]).length).toBe(1);
      const next = await api.call('GET', `/v1/admin/backups?limit=1&kind=backup&cursor=${page.body.nextCursor as string}`, { token: admin.accessToken });
      expect((next.body.data as Array<{ id: string }>)[0].id).toBe(backup.id);
    });

    it('restores into a fresh database with the same row counts, and refuses what it should', async () => {
      const target = await database({ empty: true });
      const restored = await service.restore({ file: join(dir, backup.file!), targetUrl: target.url, force: false });
      expect(restored.mismatches).toEqual([]);
      expect(restored.replaced).toBe(false);
      const expected = (backup.details as { tables: Record<string, number> }).tables;
      expect(await withClient(target.url, countRows)).toEqual(expected);
      // The restored schema is the migrated one: the app could start on it.
      const migrations = await withClient(target.url, (sql) => sql.query('SELECT count(*)::int AS n FROM schema_migrations'));
      expect(migrations.rows[0].n).toBeGreaterThan(0);

      // Not empty any more: refused, unless forced (which replaces the backup's objects).
      await expect(service.restore({ file: backup.file!, targetUrl: target.url, force: false })).rejects.toThrow(/is not empty \(\d+ tables\).*--force/);
      const forced = await service.restore({ file: backup.file!, targetUrl: target.url, force: true });
      expect(forced).toMatchObject({ replaced: true, mismatches: [] });
      expect(await withClient(target.url, countRows)).toEqual(expected);

      // A damaged copy, and a file no backup_runs row names.
      const elsewhere = mkdtempSync(join(tmpdir(), 'clearmark-copy-'));
      dirs.push(elsewhere);
      const damaged = join(elsewhere, backup.file!);
      copyFileSync(join(dir, backup.file!), damaged);
      const bytes = readFileSync(damaged);
      bytes[bytes.length - 10] ^= 0xff;
      writeFileSync(damaged, bytes);
      const fresh = await database({ empty: true });
      await expect(service.restore({ file: damaged, targetUrl: fresh.url, force: false })).rejects.toThrow(RestoreRefusedError);
      await expect(service.restore({ file: damaged, targetUrl: fresh.url, force: false })).rejects.toThrow(/SHA-256 is [0-9a-f]{64}, backup_runs recorded/);
      const stranger = join(elsewhere, 'clearmark-20200101T000000Z-00000000.dump');
      copyFileSync(join(dir, backup.file!), stranger);
      await expect(service.restore({ file: stranger, targetUrl: fresh.url, force: false })).rejects.toThrow(/is not a recorded backup/);
      await expect(service.restore({ file: backup.file!, targetUrl: 'mysql://x@y/z', force: false })).rejects.toThrow(/--target-url: scheme must be postgres/);
      expect(await withClient(fresh.url, (sql) => sql.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`))).toMatchObject({ rows: [{ n: 0 }] });
    });

    it('drills: restores the newest verified backup into a scratch database, compares, and drops it', async () => {
      const drill = await service.drill();
      expect(drill).toMatchObject({ kind: 'drill', status: 'success', error: null });
      expect(drill.restoreMs).toBeGreaterThan(0);
      const newest = (await service.list({ kind: 'backup', limit: 1 })).data[0];
      expect(drill.backupId).toBe(newest.id);
      const details = drill.details as { tables: Record<string, { expected: number; actual: number }>; mismatches: string[] };
      expect(details.mismatches).toEqual([]);
      expect(details.tables.users).toEqual({ expected: 5, actual: 5 });
      const leftovers = await withClient(source.url, (sql) => sql.query(`SELECT datname FROM pg_database WHERE datname LIKE 'clearmark_drill_%'`));
      expect(leftovers.rows).toEqual([]);
    });

    it('retention keeps the newest per day, week and month and deletes the rest, files and rows together', async () => {
      await service.createBackup();
      await service.createBackup();
      const backups = (await service.list({ kind: 'backup', limit: 100 })).data.filter((b) => b.status === 'success');
      expect(backups).toHaveLength(4);
      // Newest first: Tuesday 20 and Monday 19 January 2026 (ISO week 4), Monday 5 January (week 2), 1 December 2025.
      const dates = ['2026-01-20T02:00:00Z', '2026-01-19T02:00:00Z', '2026-01-05T02:00:00Z', '2025-12-01T02:00:00Z'];
      await withClient(source.url, async (sql) => {
        for (const [i, b] of backups.entries()) await sql.query('UPDATE backup_runs SET started_at = $2 WHERE id = $1', [b.id, dates[i]]);
        await sql.query(`INSERT INTO backup_runs (kind, status, started_at, error) VALUES ('backup', 'failure', '2025-11-01T02:00:00Z', 'old'), ('backup', 'failure', '2026-01-10T02:00:00Z', 'recent')`);
        // A backup whose process died mid-dump: still "running" days later.
        await sql.query(`INSERT INTO backup_runs (kind, status, started_at) VALUES ('backup', 'running', '2026-01-12T02:00:00Z')`);
      });

      // KEEP_DAILY=2 (20th, 19th), KEEP_WEEKLY=2 (week 4: the 20th; week 2: the 5th), KEEP_MONTHLY=1 (January: the 20th).
      const { deleted, kept } = await service.prune();
      expect(kept).toBe(3);
      expect(deleted.map((b) => b.id)).toEqual([backups[3].id]);
      expect(existsSync(join(dir, backups[3].file!))).toBe(false);
      expect(existsSync(join(dir, `${backups[3].file!}.sha256`))).toBe(false);
      for (const b of backups.slice(0, 3)) expect(existsSync(join(dir, b.file!))).toBe(true);
      const remaining = await withClient(source.url, (sql) =>
        sql.query<{ id: string; status: string; error: string | null }>(`SELECT id, status, error FROM backup_runs WHERE kind = 'backup' ORDER BY started_at DESC`),
      );
      // The failure from before the oldest kept backup went with it; the later one stays, and the
      // run a dead process left "running" is now a failure that says so.
      expect(remaining.rows.map((r) => (r.status === 'success' ? r.id : `${r.status}: ${r.error}`))).toEqual([
        backups[0].id,
        backups[1].id,
        'failure: interrupted: the process running it stopped before recording an outcome',
        'failure: recent',
        backups[2].id,
      ]);
      // And again: nothing more to delete.
      expect((await service.prune()).deleted).toEqual([]);
    });

    it('runs as the backup and backup-drill jobs, recorded in job_runs', async () => {
      const jobs = t.app.get(JobsService);
      const backupJob = await jobs.runNow('backup');
      expect(backupJob).toMatchObject({ status: 'ran', run: { outcome: 'success', trigger: 'manual' } });
      const details = (backupJob as { run: { details: Record<string, unknown> } }).run.details;
      expect(details).toMatchObject({ backupId: expect.any(String), file: expect.stringMatching(/\.dump$/), kept: expect.any(Number), deleted: expect.any(Array) });
      const drillJob = await jobs.runNow('backup-drill');
      expect(drillJob).toMatchObject({ status: 'ran', run: { outcome: 'success', details: { backupId: details.backupId } } });
    });
  });

  describe('without a usable pg_dump', () => {
    it('fails with a message saying what to install, counts it, and readiness reports degraded (still 200)', async () => {
      const db = await database();
      const { t, admin } = await boot(db, { BACKUP_DIR: backupDir(), PG_DUMP_PATH: '/nonexistent' });
      const api = client(t.url);
      const started = await api.call('POST', '/v1/admin/backups', { token: admin.accessToken });
      expect(started.status).toBe(202);
      const run = await finishedRun(api, started.body.id as string, admin.accessToken);
      expect(run).toMatchObject({ status: 'failure', verified: false, file: null });
      expect(run.error).toMatch(/^pg_dump not found \(searched PG_DUMP_PATH=\/nonexistent\): install postgresql-client-\d+ \(or newer\) or set PG_DUMP_PATH/);

      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/^backup_failures_total\{kind="backup"\} 1$/m);
      const backupCheck = await readyBackupCheck(t.url);
      expect(backupCheck).toMatchObject({ status: 'up', state: 'degraded', reason: 'the last backup failed (see GET /v1/admin/backups)' });
      // Readiness is unauthenticated: the details stay behind the admin API.
      expect(JSON.stringify(backupCheck)).not.toContain('nonexistent');

      // A pg_dump older than the server is refused the same way.
      const fakeBin = mkdtempSync(join(tmpdir(), 'clearmark-oldpg-'));
      dirs.push(fakeBin);
      for (const tool of ['pg_dump', 'pg_restore']) {
        writeFileSync(join(fakeBin, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) 12.22"\n`);
        chmodSync(join(fakeBin, tool), 0o755);
      }
      const old = await boot(await database(), { BACKUP_DIR: backupDir(), PG_DUMP_PATH: join(fakeBin, 'pg_dump') });
      const refused = await old.service.createBackup();
      expect(refused.error).toMatch(/pg_dump is version 12\.22, older than the server \(PostgreSQL \d+\.\d+\): install postgresql-client-\d+/);
    });
  });

  describe('one backup at a time', () => {
    it('10 parallel POST /v1/admin/backups start exactly one; the others answer 409 until it has finished', async () => {
      const db = await database();
      const version = await withClient(db.url, async (sql) => (await sql.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version.split(' ')[0]);
      // A pg_dump that reports the server's version and then holds the backup open until the
      // test releases it (then fails): the test decides when the running backup ends.
      const bin = mkdtempSync(join(tmpdir(), 'clearmark-slowpg-'));
      dirs.push(bin);
      const release = join(bin, 'release');
      for (const tool of ['pg_dump', 'pg_restore']) {
        writeFileSync(
          join(bin, tool),
          `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "${tool} (PostgreSQL) ${version}"; exit 0; fi\nwhile [ ! -f "${release}" ]; do sleep 0.05; done\necho "released by the test" >&2\nexit 1\n`,
        );
        chmodSync(join(bin, tool), 0o755);
      }
      const { t, admin, service } = await boot(db, { BACKUP_DIR: backupDir(), PG_DUMP_PATH: join(bin, 'pg_dump') });
      const api = client(t.url);
      // A row a crashed process left `running`: no live backup holds the lock, so it is an orphan.
      const [orphan] = await withClient(db.url, async (sql) => (await sql.query<{ id: string }>(`INSERT INTO backup_runs (kind) VALUES ('backup') RETURNING id`)).rows);

      const answers = await Promise.all(Array.from({ length: 10 }, () => api.call('POST', '/v1/admin/backups', { token: admin.accessToken })));
      expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const refused of answers.filter((a) => a.status === 409)) {
        expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(refused.body.type).toMatch(/\/backup-running$/);
      }
      const started = answers.find((a) => a.status === 202)!;
      const runs = await withClient(db.url, async (sql) => (await sql.query<{ id: string; status: string }>(`SELECT id, status FROM backup_runs WHERE kind = 'backup' ORDER BY started_at`)).rows);
      expect(runs).toEqual([
        { id: orphan.id, status: 'failure' },
        { id: started.body.id, status: 'running' },
      ]);
      // Still running: still refused.
      expect((await api.call('POST', '/v1/admin/backups', { token: admin.accessToken })).status).toBe(409);

      writeFileSync(release, '');
      const run = await finishedRun(api, started.body.id as string, admin.accessToken);
      expect(run).toMatchObject({ status: 'failure' });
      // Finished: the next one starts (the lock went with the run), and the scheduled path shares the rule.
      const next = await waitFor(() => api.call('POST', '/v1/admin/backups', { token: admin.accessToken }), {
        what: 'POST /v1/admin/backups to start a new backup',
        intervalMs: 100,
        until: (answer) => answer.status !== 409,
      });
      expect(next.status).toBe(202);
      const queued = await service.createBackup();
      expect(queued.status).toBe('failure');
      const after = await withClient(db.url, async (sql) => (await sql.query<{ id: string; status: string }>(`SELECT id, status FROM backup_runs WHERE id = $1`, [next.body.id])).rows[0]);
      expect(after).toEqual({ id: next.body.id, status: 'failure' });
    });
  });
});
