import { QueryTypes, Sequelize } from 'sequelize';
import { MigrationRunner } from '@app/database';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const MIGRATION = '202612024000-trademarks-complete-watches';

/** Identical watches made before one-watch-per-mark-and-classes are merged, losing no hit and no report. */
describe('migration: identical watches merged (e2e)', () => {
  let db: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = new Sequelize(db.url, { logging: false, pool: { max: 2 } });
  });

  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  async function rows<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
    return sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  }

  it('keeps the oldest of each group with the lowest threshold, active if any was, and every hit', async () => {
    const runner = new MigrationRunner({ sequelize });
    const names = runner.files().map((f) => f.name);
    const steps = names.length - names.indexOf(MIGRATION);
    expect(await runner.down(steps)).toContain(MIGRATION);

    const [user] = await rows<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ('merge@example.com', 'x', 'M') RETURNING id`);
    const watch = async (mark: string, classes: number[], threshold: number, active: boolean, at: string): Promise<string> =>
      (
        await rows<{ id: string }>(
          `INSERT INTO trademark_watches (user_id, mark, classes, threshold, active, created_at) VALUES ($1, $2, $3::int[], $4, $5, $6) RETURNING id`,
          [user.id, mark, classes, threshold, active, at],
        )
      )[0].id;
    const oldest = await watch('Acme  Tools', [7, 8], 70, false, '2026-01-01T00:00:00Z');
    const second = await watch(' ACME TOOLS ', [7, 8], 40, false, '2026-01-02T00:00:00Z');
    const third = await watch('acme tools', [7, 8], 90, true, '2026-01-03T00:00:00Z');
    const otherClasses = await watch('ACME TOOLS', [7], 70, true, '2026-01-04T00:00:00Z');
    const hit = (watchId: string, serial: string, score: number) =>
      rows(`INSERT INTO trademark_watch_hits (watch_id, serial_number, score, baseline) VALUES ($1, $2, $3, false)`, [watchId, serial, score]);
    await hit(oldest, '1', 80);
    await hit(second, '1', 80);
    await hit(second, '2', 45);
    await hit(third, '3', 95);

    expect(await runner.up()).toContain(MIGRATION);

    const watches = await rows<{ id: string; mark: string; threshold: number; active: boolean }>(
      'SELECT id, mark, threshold, active FROM trademark_watches WHERE user_id = $1 ORDER BY created_at',
      [user.id],
    );
    expect(watches).toEqual([
      { id: oldest, mark: 'Acme Tools', threshold: 40, active: true },
      { id: otherClasses, mark: 'ACME TOOLS', threshold: 70, active: true },
    ]);
    const hits = await rows<{ serial_number: string; risk: string; reasons: unknown }>(
      'SELECT serial_number, risk, reasons FROM trademark_watch_hits WHERE watch_id = $1 ORDER BY serial_number',
      [oldest],
    );
    expect(hits).toEqual([
      { serial_number: '1', risk: 'high', reasons: [] },
      { serial_number: '2', risk: 'medium', reasons: [] },
      { serial_number: '3', risk: 'high', reasons: [] },
    ]);
    // The rule now holds in the database itself.
    await expect(rows(`INSERT INTO trademark_watches (user_id, mark, classes) VALUES ($1, 'ACME TOOLS', '{7,8}')`, [user.id])).rejects.toMatchObject({
      parent: { constraint: 'trademark_watches_identity_idx' },
    });
  });
});
