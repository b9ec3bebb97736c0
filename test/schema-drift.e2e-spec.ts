import { Sequelize } from 'sequelize-typescript';
import { Column, DataType, Model, Table } from 'sequelize-typescript';
import { findSchemaDrift } from '@app/database';
import { ALL_MODELS } from '../apps/composition/src';
import { createTestDatabase, type TestDatabase } from './support/test-database';

@Table({
  tableName: 'drift_probes',
  timestamps: false,
  indexes: [{ name: 'drift_probes_name_idx', fields: ['name'] }],
})
class DriftProbe extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare id: string;
  @Column({ type: DataType.STRING, allowNull: false }) declare name: string;
  @Column({ type: DataType.INTEGER, allowNull: true }) declare age: number | null;
}

describe('schema drift check', () => {
  let db: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    // The template is migrated with the real migrations: the state every app starts from.
    db = await createTestDatabase();
    sequelize = new Sequelize(db.url, { logging: false, models: [...ALL_MODELS, DriftProbe] });
  });

  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  it('finds no difference between the models and the migrated tables', async () => {
    expect(await findSchemaDrift(sequelize, ALL_MODELS)).toEqual([]);
  });

  it('reports missing tables, columns, type and nullability differences, and index mismatches', async () => {
    expect(await findSchemaDrift(sequelize, [DriftProbe])).toEqual([
      'drift_probes: table does not exist (model DriftProbe)',
    ]);
    await sequelize.query(`CREATE TABLE drift_probes (id uuid PRIMARY KEY, name text, extra int)`);
    await sequelize.query(`CREATE INDEX drift_probes_extra_idx ON drift_probes (extra)`);
    expect((await findSchemaDrift(sequelize, [DriftProbe])).sort()).toEqual(
      [
        'drift_probes.name: type is text, model says varchar',
        'drift_probes.name: nullable in the database, NOT NULL in the model',
        'drift_probes.age: column missing (model DriftProbe.age)',
        'drift_probes.extra: column not in model DriftProbe',
        'drift_probes: index drift_probes_name_idx declared by DriftProbe but missing',
        'drift_probes: index drift_probes_extra_idx exists but DriftProbe does not declare it',
      ].sort(),
    );
  });
});
