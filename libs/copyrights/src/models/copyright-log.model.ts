import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({
  tableName: 'copyright_logs',
  underscored: true,
  // created_at comes from the database (clock_timestamp): rows of one transaction stay in order.
  timestamps: false,
  indexes: [{ name: 'copyright_logs_copyright_id_created_at_idx', fields: ['copyright_id', 'created_at', 'id'] }],
})
export class CopyrightLog extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare copyrightId: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare actorId: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare action: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare fromStatus: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare toStatus: string | null;
  @Column({ type: DataType.ARRAY(DataType.TEXT), allowNull: false, defaultValue: [] }) declare changedFields: string[];
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: fn('clock_timestamp') }) declare createdAt: Date;
}
