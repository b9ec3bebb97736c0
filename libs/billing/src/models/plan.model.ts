import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A plan users subscribe to: a monthly price in minor units and a monthly search quota. */
@Table({ tableName: 'plans', underscored: true, timestamps: true })
export class Plan extends Model {
  @Column({ type: DataType.TEXT, primaryKey: true }) declare code: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare name: string;
  // pg hands bigint columns back as strings; the repository turns them into bigint.
  @Column({ type: DataType.BIGINT, allowNull: false }) declare priceAmount: string;
  @Column({ type: DataType.CHAR(3), allowNull: false }) declare currency: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'month' }) declare interval: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare searchQuota: number;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare trialDays: number;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true }) declare active: boolean;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
