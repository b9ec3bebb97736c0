import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({ tableName: 'invoice_lines', underscored: true, timestamps: false })
export class InvoiceLine extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare invoiceId: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare position: number;
  @Column({ type: DataType.TEXT, allowNull: false }) declare description: string;
  @Column({ type: DataType.DATE, allowNull: true }) declare periodStart: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare periodEnd: Date | null;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare quantity: number;
  @Column({ type: DataType.BIGINT, allowNull: false }) declare unitAmount: string;
  @Column({ type: DataType.BIGINT, allowNull: false }) declare amount: string;
}
