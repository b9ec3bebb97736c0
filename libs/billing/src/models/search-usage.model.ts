import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** Searches a user made in one billing period. */
@Table({ tableName: 'search_usage', underscored: true, timestamps: false })
export class SearchUsage extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare userId: string;
  @Column({ type: DataType.DATE, primaryKey: true }) declare periodStart: Date;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare used: number;
}
