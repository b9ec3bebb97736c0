import { copyFileSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { MigrationRunner } from '@app/database';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const FIXTURES = join(__dirname, 'fixtures', 'migrations');

describe('migrations (against a real PostgreSQL)', () => {
  const open: Sequelize[] = [];
  const databases: TestDatabase[] = [];

  async function emptyDatabase(): Promise<Sequelize> {
    const db = await createTestDatabase({ empty: true });
    databases.push(db);
    const sequelize = new Sequelize(db.url, { logging: false, pool: { max: 3 } });
    open.push(sequelize);
    return sequelize;
  }

  async function tables(sequelize: Sequelize): Promise<string[]> {
    const rows = await sequelize.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.tablename);
  }

  async function applied(sequelize: Sequelize): Promise<string[]> {
    const rows = await sequelize.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', {
      type: QueryTypes.SELECT,
    });
    return rows.map((r) => r.name);
  }

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await Promise.all(databases.map((d) => d.drop()));
  });

  it("applies the project's migrations, reverts them all and applies them again", async () => {
    const sequelize = await emptyDatabase();
    const runner = new MigrationRunner({ sequelize });
    const names = runner.files().map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(await runner.up()).toEqual(names);
    expect(await runner.pending()).toEqual([]);
    const extensions = await sequelize.query<{ extname: string }>('SELECT extname FROM pg_extension', { type: QueryTypes.SELECT });
    expect(extensions.map((e) => e.extname)).toEqual(expect.arrayContaining(['pg_trgm', 'fuzzystrmatch', 'citext', 'unaccent']));
    expect(await runner.down(names.length)).toEqual([...names].reverse());
    expect(await runner.pending()).toEqual(names);
    expect(await runner.up()).toEqual(names);
    expect((await runner.status()).every((s) => s.state === 'applied')).toBe(true);
  });

  it('a failing migration leaves no trace and the error names it', async () => {
    const sequelize = await emptyDatabase();
    const runner = new MigrationRunner({ sequelize, directory: join(FIXTURES, 'atomic') });
    await expect(runner.up()).rejects.toThrow(/000002-break-halfway/);
    // The migration before it stays applied; nothing of the failing one survives: not its
    // table, not its row in alpha, not its bookkeeping row; the one after it never ran.
    expect(await applied(sequelize)).toEqual(['000001-create-alpha']);
    expect(await tables(sequelize)).toEqual(['alpha', 'schema_migrations']);
    const [{ count }] = await sequelize.query<{ count: string }>('SELECT count(*) FROM alpha', { type: QueryTypes.SELECT });
    expect(Number(count)).toBe(0);
    expect(await runner.pending()).toEqual(['000002-break-halfway', '000003-create-gamma']);
  });

  it('two runners starting at once apply each migration exactly once', async () => {
    // Two connections pools, as two processes would have.
    const first = await emptyDatabase();
    const second = new Sequelize(databases[databases.length - 1].url, { logging: false, pool: { max: 3 } });
    open.push(second);
    const directory = join(FIXTURES, 'concurrent');
    const [a, b] = await Promise.all([
      new MigrationRunner({ sequelize: first, directory }).up(),
      new MigrationRunner({ sequelize: second, directory }).up(),
    ]);
    expect([...a, ...b].sort()).toEqual(['000001-create-runs', '000002-slow-insert', '000003-insert']);
    const runs = await first.query<{ migration: string }>('SELECT migration FROM runs ORDER BY migration', {
      type: QueryTypes.SELECT,
    });
    expect(runs.map((r) => r.migration)).toEqual(['000002', '000003']);
    expect(await applied(first)).toEqual(['000001-create-runs', '000002-slow-insert', '000003-insert']);
  });

  it('status reports an applied migration whose file changed since', async () => {
    const sequelize = await emptyDatabase();
    const directory = mkdtempSync(join(tmpdir(), 'clearmark-migrations-'));
    for (const f of ['000001-create-alpha.ts', '000003-create-gamma.ts']) copyFileSync(join(FIXTURES, 'atomic', f), join(directory, f));
    const runner = new MigrationRunner({ sequelize, directory });
    await runner.up();
    expect((await runner.status()).map((s) => s.state)).toEqual(['applied', 'applied']);

    appendFileSync(join(directory, '000001-create-alpha.ts'), '\n// edited after it was applied\n');
    const warnings: string[] = [];
    const again = new MigrationRunner({ sequelize, directory, logger: { info: () => undefined, warn: (m) => warnings.push(m) } });
    expect(await again.status()).toEqual([
      expect.objectContaining({ name: '000001-create-alpha', state: 'changed' }),
      expect.objectContaining({ name: '000003-create-gamma', state: 'applied' }),
    ]);
    await again.up();
    expect(warnings).toEqual([expect.stringMatching(/000001-create-alpha was applied but its file has changed/)]);
  });
});
