import { col, fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({
  tableName: 'trademark_watches',
  underscored: true,
  timestamps: true,
  indexes: [
    { name: 'trademark_watches_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'trademark_watches_active_idx', fields: ['created_at'], where: { active: true } },
    // One watch per user, mark (ignoring case; stored trimmed with single spaces) and class set.
    { name: 'trademark_watches_identity_idx', unique: true, fields: ['user_id', fn('lower', col('mark')), 'classes'] },
  ],
})
export class TrademarkWatch extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare mark: string;
  @Column({ type: DataType.ARRAY(DataType.INTEGER), allowNull: false, defaultValue: [] }) declare classes: number[];
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 70 }) declare threshold: number;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true }) declare active: boolean;
  @Column({ type: DataType.DATE, allowNull: true }) declare lastRunAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
