import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { DisputeStatus, PaymentStatus } from '../payment-state';

@Table({
  tableName: 'payments',
  underscored: true,
  timestamps: true,
  indexes: [
    { name: 'payments_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'payments_invoice_id_idx', fields: ['invoice_id'] },
  ],
})
export class Payment extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare invoiceId: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare subscriptionId: string | null;
  // pg hands bigint columns back as strings; the repository turns them into bigint.
  @Column({ type: DataType.BIGINT, allowNull: false }) declare amount: string;
  @Column({ type: DataType.BIGINT, allowNull: false, defaultValue: 0 }) declare amountRefunded: string;
  @Column({ type: DataType.CHAR(3), allowNull: false }) declare currency: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'pending' }) declare status: PaymentStatus;
  @Column({ type: DataType.TEXT, allowNull: false }) declare provider: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare providerIdempotencyKey: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare providerReference: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare failureCode: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare failureMessage: string | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare succeededAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare failedAt: Date | null;
  /** A chargeback on the charge, from the provider's charge.dispute.* events. */
  @Column({ type: DataType.TEXT, allowNull: true }) declare disputeReference: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare disputeStatus: DisputeStatus | null;
  @Column({ type: DataType.BIGINT, allowNull: true }) declare disputeAmount: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare disputeReason: string | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
