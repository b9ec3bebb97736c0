import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** What happened in the trademarks feature (searches, record views, watch changes, imports). */
@Table({
  tableName: 'trademark_logs',
  underscored: true,
  timestamps: false,
  indexes: [{ name: 'trademark_logs_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }] }],
})
export class TrademarkLog extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare userId: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare action: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare entityType: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare entityId: string | null;
  @Column({ type: DataType.JSONB, allowNull: false }) declare details: Record<string, unknown>;
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: fn('now') }) declare createdAt: Date;
}
