import { fn, Op } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { SubscriptionStatus } from '../subscription-state';

@Table({
  tableName: 'subscriptions',
  underscored: true,
  timestamps: true,
  indexes: [
    { name: 'subscriptions_user_id_open_idx', unique: true, fields: ['user_id'], where: { status: { [Op.notIn]: ['canceled', 'incomplete_expired'] } } },
    { name: 'subscriptions_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }] },
    { name: 'subscriptions_current_period_end_idx', fields: ['current_period_end'], where: { status: ['trialing', 'active', 'past_due'] } },
    { name: 'subscriptions_next_retry_at_idx', fields: ['next_retry_at'], where: { next_retry_at: { [Op.ne]: null } } },
  ],
})
export class Subscription extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare planCode: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare status: SubscriptionStatus;
  @Column({ type: DataType.TEXT, allowNull: false }) declare provider: string;
  /** What the provider charges: a sandbox token, a Stripe PaymentMethod id. Never card data. */
  @Column({ type: DataType.TEXT, allowNull: false }) declare paymentMethod: string;
  @Column({ type: DataType.DATE, allowNull: false }) declare currentPeriodStart: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare currentPeriodEnd: Date;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false }) declare cancelAtPeriodEnd: boolean;
  @Column({ type: DataType.TEXT, allowNull: true }) declare pendingPlanCode: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare failureCode: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare failureMessage: string | null;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare failedAttempts: number;
  @Column({ type: DataType.DATE, allowNull: true }) declare firstFailedAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare nextRetryAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare incompleteExpiresAt: Date | null;
  /** The trial, if the subscription started with one (a user gets one trial). */
  @Column({ type: DataType.DATE, allowNull: true }) declare trialStart: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare trialEnd: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare canceledAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare endedAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
