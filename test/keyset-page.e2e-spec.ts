import { DataTypes, Op, Sequelize, type Model, type ModelStatic } from 'sequelize';
import { findKeysetPage, type KeysetPosition } from '@app/database';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * findKeysetPage (libs/database): the keyset page every list uses. Rows that share a
 * created_at to the microsecond are ordered by id, so paging never skips or repeats one.
 */
describe('findKeysetPage', () => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  let Item: ModelStatic<Model>;
  /** Every row, in (created_at, id) ascending order, as the database orders them. */
  let ascending: string[];

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    sequelize = new Sequelize(database.url, { logging: false });
    await sequelize.query(`CREATE TABLE keyset_items (id uuid PRIMARY KEY, created_at timestamptz NOT NULL, tag text NOT NULL)`);
    // 23 rows on 5 distinct instants (ties broken by id), one in three tagged 'odd'.
    await sequelize.query(`
      INSERT INTO keyset_items (id, created_at, tag)
      SELECT gen_random_uuid(), timestamptz '2026-12-01 10:00:00.000001+00' + (g % 5) * interval '1 microsecond', CASE WHEN g % 3 = 0 THEN 'odd' ELSE 'even' END
        FROM generate_series(1, 23) g`);
    Item = sequelize.define('Item', { id: { type: DataTypes.UUID, primaryKey: true }, tag: DataTypes.TEXT }, { tableName: 'keyset_items', underscored: true, updatedAt: false });
    const [rows] = await sequelize.query('SELECT id FROM keyset_items ORDER BY created_at, id');
    ascending = (rows as Array<{ id: string }>).map((r) => r.id);
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  async function pageThrough(order: 'newest-first' | 'oldest-first', limit: number, where = [{}]): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: KeysetPosition | undefined;
    let pages = 0;
    for (;;) {
      const rows = await findKeysetPage(Item, { where, limit, after, order });
      expect(rows.length).toBeLessThanOrEqual(limit + 1);
      pages++;
      const page = rows.slice(0, limit);
      ids.push(...page.map((r) => r.row.get('id') as string));
      if (rows.length <= limit) return { ids, pages };
      after = page[page.length - 1].position;
      expect(after.createdAt).toMatch(/^2026-12-01T10:00:00\.00000[1-5]Z$/);
    }
  }

  it('pages newest first through every row once, ties in id order', async () => {
    const { ids, pages } = await pageThrough('newest-first', 4);
    expect(ids).toEqual([...ascending].reverse());
    expect(pages).toBe(6);
  });

  it('pages oldest first through every row once', async () => {
    const { ids } = await pageThrough('oldest-first', 5);
    expect(ids).toEqual(ascending);
  });

  it('reads limit + 1 rows, so the caller knows whether a next page exists', async () => {
    expect(await findKeysetPage(Item, { where: [], limit: 22 })).toHaveLength(23);
    expect(await findKeysetPage(Item, { where: [], limit: 23 })).toHaveLength(23);
  });

  it('keeps the list’s own conditions on every page', async () => {
    const [rows] = await sequelize.query(`SELECT id FROM keyset_items WHERE tag = 'odd' ORDER BY created_at DESC, id DESC`);
    const { ids } = await pageThrough('newest-first', 2, [{ tag: { [Op.eq]: 'odd' } }]);
    expect(ids).toEqual((rows as Array<{ id: string }>).map((r) => r.id));
  });
});
