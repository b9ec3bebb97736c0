import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { Op, UniqueConstraintError } from 'sequelize';
import type { DbTransaction } from '@app/database';
import type { NewSubscription, SubscriptionChanges, SubscriptionRecord } from './billing.types';
import { Subscription } from './models/subscription.model';

/** Statuses of a subscription that is not over (subscriptions_user_id_open_idx allows one per user). */
export const OPEN_SUBSCRIPTION_STATUSES = ['incomplete', 'trialing', 'active', 'past_due', 'unpaid'] as const;

/** Thrown by insert when the user already has an open subscription (the unique index said so). */
export class OpenSubscriptionExistsError extends Error {}

function toSubscription(row: Subscription): SubscriptionRecord {
  return {
    id: row.id,
    userId: row.userId,
    planCode: row.planCode,
    status: row.status,
    provider: row.provider,
    paymentMethod: row.paymentMethod,
    currentPeriodStart: row.currentPeriodStart,
    currentPeriodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    pendingPlanCode: row.pendingPlanCode,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    failedAttempts: row.failedAttempts,
    firstFailedAt: row.firstFailedAt,
    nextRetryAt: row.nextRetryAt,
    incompleteExpiresAt: row.incompleteExpiresAt,
    trialStart: row.trialStart,
    trialEnd: row.trialEnd,
    canceledAt: row.canceledAt,
    endedAt: row.endedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Subscriptions: queries only; the rules are SubscriptionsService's and the state machine's. */
@Injectable()
export class SubscriptionsRepository {
  constructor(@InjectModel(Subscription) private readonly subscriptions: typeof Subscription) {}

  async insert(subscription: NewSubscription, transaction: DbTransaction): Promise<SubscriptionRecord> {
    try {
      return toSubscription(await this.subscriptions.create({ ...subscription }, { transaction }));
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new OpenSubscriptionExistsError('open subscription exists', { cause: error });
      throw error;
    }
  }

  /** The user's subscription that is not over, if any; row-locked when a transaction is given. */
  async findOpenForUser(userId: string, transaction?: DbTransaction): Promise<SubscriptionRecord | null> {
    const row = await this.subscriptions.findOne({
      where: { userId, status: [...OPEN_SUBSCRIPTION_STATUSES] },
      transaction,
      lock: transaction ? transaction.LOCK.UPDATE : undefined,
    });
    return row ? toSubscription(row) : null;
  }

  /** The user's open subscription, else their newest one (canceled or expired). */
  async findCurrentForUser(userId: string): Promise<SubscriptionRecord | null> {
    const open = await this.findOpenForUser(userId);
    if (open) return open;
    const row = await this.subscriptions.findOne({ where: { userId }, order: [['createdAt', 'DESC']] });
    return row ? toSubscription(row) : null;
  }

  /** Whether the user ever had a trial (one trial per user, whatever became of it). */
  async hadTrial(userId: string, transaction: DbTransaction): Promise<boolean> {
    return (await this.subscriptions.count({ where: { userId, trialEnd: { [Op.ne]: null } }, transaction })) > 0;
  }

  async findById(id: string): Promise<SubscriptionRecord | null> {
    const row = await this.subscriptions.findByPk(id);
    return row ? toSubscription(row) : null;
  }

  /** The subscription, row-locked until the transaction ends. */
  async lock(id: string, transaction: DbTransaction): Promise<SubscriptionRecord | null> {
    const row = await this.subscriptions.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    return row ? toSubscription(row) : null;
  }

  async update(id: string, changes: SubscriptionChanges, transaction: DbTransaction): Promise<SubscriptionRecord> {
    const [, rows] = await this.subscriptions.update(changes, { where: { id }, transaction, returning: true });
    return toSubscription(rows[0]);
  }

  /** Ids of live subscriptions whose period ended by `now` (renewal or end), oldest first. */
  async idsDueForRenewal(now: Date, limit: number): Promise<string[]> {
    const rows = await this.subscriptions.findAll({
      attributes: ['id'],
      where: { status: ['trialing', 'active', 'past_due'], currentPeriodEnd: { [Op.lte]: now } },
      order: [['currentPeriodEnd', 'ASC']],
      limit,
    });
    return rows.map((r) => r.id);
  }

  /** Ids of past_due subscriptions whose next payment retry is due. */
  async idsDueForRetry(now: Date, limit: number): Promise<string[]> {
    const rows = await this.subscriptions.findAll({
      attributes: ['id'],
      where: { status: 'past_due', nextRetryAt: { [Op.lte]: now } },
      order: [['nextRetryAt', 'ASC']],
      limit,
    });
    return rows.map((r) => r.id);
  }

  /** Ids of incomplete subscriptions past their 23 hours. */
  async idsIncompleteExpired(now: Date, limit: number): Promise<string[]> {
    const rows = await this.subscriptions.findAll({
      attributes: ['id'],
      where: { status: 'incomplete', incompleteExpiresAt: { [Op.lte]: now } },
      limit,
    });
    return rows.map((r) => r.id);
  }
}
