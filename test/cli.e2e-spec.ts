import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { uniqueEmail } from './support/auth-client';
import { baseEnv, buildDist, runNode } from './support/run-node';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { markKeysOf } from '../libs/trademarks/src/registry/mark-keys';

/** A mark's stored columns as the analyzer computes them. */
function keysOf(mark: string) {
  const keys = markKeysOf(mark);
  return { normalized_mark: keys.normalizedMark, phonetic_keys: keys.phoneticKeys, lookalike_keys: keys.lookalikeKeys, analysis: keys.analysis };
}

const CLI = 'dist/apps/cli/src/main.js';
const SAMPLE = resolve(__dirname, '../data/registry/sample-daily.xml');
const BROKEN = resolve(__dirname, 'fixtures/registry/sample-daily-broken.xml');
// Each run starts a Node.js process that loads the whole CLI: seconds apiece on a loaded machine.
const SLOW = 240_000;

/** The operator CLI as a process, the compiled build, against this file's own database. */
describe('operator CLI (e2e, compiled)', () => {
  let db: TestDatabase;
  let sql: Client;
  let dir: string;
  const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
    runNode(CLI, args, { env: baseEnv({ DATABASE_URL: db.url, ...options.env }), input: options.input });

  beforeAll(async () => {
    buildDist();
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    dir = await mkdtemp(join(tmpdir(), 'clearmark-cli-'));
  }, 600_000);

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('without touching a database', () => {
    // A database that cannot be reached, and no DATABASE_URL with an embedded data dir that must
    // stay unborn: either would fail or leave a trace if the command line were not answered first.
    const nowhere = () => ({ env: baseEnv({ DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none', DB_CONNECT_ATTEMPTS: '1' }) });
    const noDatabase = () => ({ env: baseEnv({ EMBEDDED_PG_DATA_DIR: join(dir, 'never', 'postgres') }) });

    it('--help lists every command and exits 0', async () => {
      for (const options of [nowhere(), noDatabase()]) {
        const run = await runNode(CLI, ['--help'], options);
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(run.stdout).toMatch(/^Usage: npm run cli -- \[options\] \[command\]/);
        for (const command of ['migrate', 'users:create-admin', 'jobs:run', 'jobs:list', 'backup:create', 'backup:list', 'backup:restore', 'registry:import', 'registry:reanalyze']) {
          expect(run.stdout).toContain(`  ${command}`);
        }
      }
      const help = await runNode(CLI, ['users:create-admin', '--help'], nowhere());
      expect(help).toMatchObject({ code: 0 });
      expect(help.stdout).toContain('--email <address>');
      expect(existsSync(join(dir, 'never'))).toBe(false);
    }, SLOW);

    it('an unknown command or a missing argument: one error line, a non-zero exit', async () => {
      const unknown = await runNode(CLI, ['users:delete-everyone'], nowhere());
      expect(unknown.code).toBe(1);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr.trimEnd().split('\n')).toEqual(["error: unknown command 'users:delete-everyone'"]);
      const missing = await runNode(CLI, ['registry:import'], noDatabase());
      expect(missing.code).toBe(1);
      expect(missing.stderr.trimEnd().split('\n')).toEqual(["error: missing required argument 'path'"]);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    }, SLOW);
  });

  it('users:create-admin creates an admin once and refuses an address that already has an account', async () => {
    const email = uniqueEmail('admin');
    const created = await cli(['users:create-admin', '--email', email], { input: 'a long admin password 42\n' });
    // stdout is the result alone (warnings, e.g. a slow query on a loaded machine, go to stderr).
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^Created admin ${email} \\([0-9a-f-]{36}\\)\n$`));
    expect(created.stdout).not.toContain('Password');
    const { rows } = await sql.query<{ role: string }>('SELECT role FROM users WHERE email = $1', [email]);
    expect(rows).toEqual([{ role: 'admin' }]);

    const again = await cli(['users:create-admin', '--email', email.toUpperCase()], { input: 'another long password 43\n' });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    // Said once (not twice, as a rethrown error would be).
    expect(again.stderr.split('\n').filter((line) => /already/i.test(line))).toHaveLength(1);
    expect((await sql.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [email])).rowCount).toBe(1);

    const noEmail = await cli(['users:create-admin']);
    expect(noEmail.code).toBe(1);
    expect(noEmail.stderr).toMatch(/--email/);
  }, SLOW);

  it('migrate status: 0 when the files match the database, 2 on drift (an edited or a missing file)', async () => {
    const clean = await cli(['migrate', 'status']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toMatch(/CHANGED|MISSING|pending/);

    const { rows } = await sql.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name LIMIT 1');
    const first = rows[0].name;
    await sql.query(`UPDATE schema_migrations SET checksum = 'edited-after-apply' WHERE name = $1`, [first]);
    const changed = await cli(['migrate', 'status']);
    expect(changed.code).toBe(2);
    expect(changed.stdout).toMatch(new RegExp(`^${first}\\s+CHANGED`, 'm'));

    await sql.query(`INSERT INTO schema_migrations (name, checksum) VALUES ('209901010000-nobody-gone', 'x')`);
    const missing = await cli(['migrate', 'status']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/^209901010000-nobody-gone\s+MISSING/m);

    const unknownAction = await cli(['migrate', 'sideways']);
    expect(unknownAction.code).toBe(1);
    expect(unknownAction.stderr.split('\n').filter((line) => line.startsWith('Unknown migrate action'))).toEqual([
      'Unknown migrate action "sideways": use up, down [steps], status or create <name>',
    ]);
  }, SLOW);

  it('registry:import exits 0 on a clean file, 1 when records were skipped or the file was cut, 1 on an unreadable file', async () => {
    // Two worker threads analyze and encode the batches (the compiled worker script), into an empty registry: a bulk load.
    const good = await cli(['registry:import', SAMPLE], { env: { REGISTRY_IMPORT_WORKERS: '2' } });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/read 2000, inserted 2000/);
    const run = await sql.query(`SELECT details FROM trademark_logs WHERE action = 'registry.import' ORDER BY created_at DESC, id DESC LIMIT 1`);
    expect(run.rows[0].details).toMatchObject({ workers: 2, bulk: true, inserted: 2000 });
    // What the workers computed is what the analyzer computes on this thread.
    const stored = await sql.query<{ mark: string; normalized_mark: string; phonetic_keys: string[]; lookalike_keys: string[] | null; analysis: string }>(
      'SELECT r.mark, r.normalized_mark, r.phonetic_keys, r.lookalike_keys, a.analysis FROM trademark_records r JOIN trademark_mark_analyses a ON a.record_id = r.id',
    );
    expect(stored.rows.length).toBeGreaterThan(1000);
    for (const row of stored.rows) expect(row).toEqual({ mark: row.mark, ...keysOf(row.mark) });

    const broken = await cli(['registry:import', BROKEN]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/rejected 8/);
    expect(broken.stdout).toMatch(/TRUNCATED/);
    expect(broken.stderr).toMatch(/skipped record #4/);

    const missing = await cli(['registry:import', join(dir, 'nothing-here.xml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trimEnd().split('\n').at(-1)).toBe(`${join(dir, 'nothing-here.xml')}: no such file`);

    await writeFile(join(dir, 'registry.json'), '{}');
    const unknown = await cli(['registry:import', join(dir, 'registry.json')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown registry format ".json"/);
  }, SLOW);

  it('registry:reanalyze stores the analyses records lack, and then has nothing left to do', async () => {
    await sql.query(`DELETE FROM trademark_mark_analyses WHERE record_id IN (SELECT id FROM trademark_records WHERE mark ~ '\\S' ORDER BY id LIMIT 250)`);
    const first = await cli(['registry:reanalyze', '--batch-size', '100']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^250 of 250 records analyzed \(0 re-keyed\), \d+ records\/s in [\d.]+ s\n$/);
    const again = await cli(['registry:reanalyze']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^0 of 0 records analyzed/);
    const bad = await cli(['registry:reanalyze', '--batch-size', '0']);
    expect(bad.code).toBe(1);
  }, SLOW);
});
