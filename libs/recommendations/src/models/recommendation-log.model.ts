import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** What happened to a recommendation (made, shown, accepted, dismissed) and by which model version. */
@Table({
  tableName: 'recommendation_logs',
  underscored: true,
  timestamps: true,
  updatedAt: false,
  indexes: [
    { name: 'recommendation_logs_recommendation_id_idx', fields: ['recommendation_id'] },
    { name: 'recommendation_logs_type_model_version_idx', fields: ['type', 'model_version', 'action'] },
  ],
})
export class RecommendationLog extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare recommendationId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare type: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare action: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare modelVersion: string;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
}
