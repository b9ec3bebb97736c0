import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { InvoiceStatus } from '../invoice-state';

@Table({
  tableName: 'invoices',
  underscored: true,
  timestamps: true,
  indexes: [
    { name: 'invoices_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    // One invoice per subscription period and reason (a re-run renewal finds it instead of writing a second).
    { name: 'invoices_subscription_period_idx', unique: true, fields: ['subscription_id', 'billing_reason', 'period_start'] },
  ],
})
export class Invoice extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare subscriptionId: string | null;
  /** The plan this invoice bills for (subscription invoices). */
  @Column({ type: DataType.TEXT, allowNull: true }) declare planCode: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare number: string | null;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'draft' }) declare status: InvoiceStatus;
  @Column({ type: DataType.CHAR(3), allowNull: false }) declare currency: string;
  @Column({ type: DataType.BIGINT, allowNull: false, defaultValue: 0 }) declare subtotal: string;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare taxRateBps: number;
  @Column({ type: DataType.BIGINT, allowNull: false, defaultValue: 0 }) declare tax: string;
  @Column({ type: DataType.BIGINT, allowNull: false, defaultValue: 0 }) declare total: string;
  @Column({ type: DataType.BIGINT, allowNull: false, defaultValue: 0 }) declare amountPaid: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare billingReason: string;
  @Column({ type: DataType.DATE, allowNull: true }) declare periodStart: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare periodEnd: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare dueAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare finalizedAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare paidAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
