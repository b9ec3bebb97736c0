import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** One recommendation made to one user; its status is the user's answer. */
@Table({
  tableName: 'recommendations',
  underscored: true,
  timestamps: true,
  indexes: [
    {
      name: 'recommendations_user_id_created_at_idx',
      fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }],
    },
  ],
})
export class Recommendation extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare type: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'new' }) declare status: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare title: string;
  @Column({ type: DataType.JSONB, allowNull: false }) declare payload: Record<string, unknown>;
  @Column({ type: DataType.TEXT, allowNull: false }) declare modelVersion: string;
  @Column({ type: DataType.DATE, allowNull: true }) declare actedAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
