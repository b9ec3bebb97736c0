import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** One clearance search of one user, with a snapshot of what it answered. */
@Table({
  tableName: 'trademark_searches',
  underscored: true,
  timestamps: false,
  indexes: [
    {
      name: 'trademark_searches_user_id_created_at_idx',
      fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }],
    },
  ],
})
export class TrademarkSearch extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare query: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare normalizedQuery: string;
  @Column({ type: DataType.ARRAY(DataType.INTEGER), allowNull: false }) declare classes: number[];
  @Column({ type: DataType.JSONB, allowNull: false }) declare filters: Record<string, unknown>;
  @Column({ type: DataType.JSONB, allowNull: false }) declare results: unknown[];
  @Column({ type: DataType.INTEGER, allowNull: false }) declare resultCount: number;
  @Column({ type: DataType.TEXT, allowNull: false }) declare risk: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare tookMs: number;
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: fn('now') }) declare createdAt: Date;
}
