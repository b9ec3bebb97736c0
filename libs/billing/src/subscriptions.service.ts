import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { NotFoundError, ValidationFailedError } from '@app/common';
import { TransactionRunner } from '@app/database';
import { BillingClock } from './billing.clock';
import { SubscriptionExistsError } from './billing.errors';
import { BillingService } from './billing.service';
import type { PlanRecord, SubscriptionRecord } from './billing.types';
import { addMonths } from './billing-period.util';
import { PaymentsService } from './payments.service';
import { OpenSubscriptionExistsError, SubscriptionsRepository } from './subscriptions.repository';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An incomplete subscription (first payment failed) expires this long after it was created. */
export const INCOMPLETE_EXPIRES_AFTER_MS = 23 * HOUR_MS;

/** A subscription as its owner sees it, with its plan. */
export interface SubscriptionView extends SubscriptionRecord {
  plan: PlanRecord;
}

/**
 * Subscriptions: subscribe (first invoice, charge, activate), the user's reads. Every change is
 * audited in its transaction; provider calls happen between transactions, never inside one.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly billing: BillingService,
    private readonly payments: PaymentsService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    private readonly clock: BillingClock,
  ) {}

  /**
   * Subscribes the user to a paid plan: the subscription (incomplete), its first invoice
   * (finalized, numbered) and a pending payment commit together; then the provider charges the
   * payment (carrying `idempotencyKey` when the client sent one) and the answer settles it:
   * paid -> active; declined -> incomplete with the reason (it expires 23 h later unless paid).
   * A plan with trial days starts trialing, uncharged, until the trial ends. 409 when the user
   * already has a subscription that is not over.
   */
  async subscribe(userId: string, input: { planCode: string; paymentToken: string }, idempotencyKey?: string): Promise<SubscriptionView> {
    const plan = await this.paidPlan(input.planCode);
    const now = this.clock.now();
    const opened = await this.transactions.run(async (transaction) => {
      const existing = await this.subscriptions.findOpenForUser(userId, transaction);
      if (existing) throw new SubscriptionExistsError(existing.status);
      const trial = plan.trialDays > 0;
      let subscription: SubscriptionRecord;
      try {
        subscription = await this.subscriptions.insert(
          {
            userId,
            planCode: plan.code,
            status: trial ? 'trialing' : 'incomplete',
            provider: this.payments.providerName,
            paymentMethod: input.paymentToken,
            currentPeriodStart: now,
            currentPeriodEnd: trial ? new Date(now.getTime() + plan.trialDays * DAY_MS) : addMonths(now, 1),
            incompleteExpiresAt: trial ? null : new Date(now.getTime() + INCOMPLETE_EXPIRES_AFTER_MS),
          },
          transaction,
        );
      } catch (error) {
        if (error instanceof OpenSubscriptionExistsError) throw new SubscriptionExistsError('open');
        throw error;
      }
      await this.audit.record(
        { action: 'billing.subscription.create', actorId: userId, entityType: 'subscription', entityId: subscription.id, after: { status: subscription.status, planCode: plan.code } },
        { transaction },
      );
      if (trial) return { subscription, payment: null };
      const draft = await this.billing.createDraft(
        {
          userId,
          subscriptionId: subscription.id,
          currency: plan.price.currency,
          billingReason: 'subscription_create',
          periodStart: subscription.currentPeriodStart,
          periodEnd: subscription.currentPeriodEnd,
          lines: [
            {
              description: `${plan.name} plan`,
              periodStart: subscription.currentPeriodStart,
              periodEnd: subscription.currentPeriodEnd,
              quantity: 1,
              unitAmount: plan.price.amount,
              amount: plan.price.amount,
            },
          ],
        },
        transaction,
      );
      const invoice = await this.billing.finalize(draft.id, transaction);
      const payment = await this.payments.open(invoice, idempotencyKey, transaction);
      return { subscription, payment };
    });
    if (opened.payment) await this.payments.collect(opened.payment, input.paymentToken);
    return this.view(await this.mustFind(userId));
  }

  /** The user's subscription (the open one, else the newest ended one); 404 when they never had one. */
  async current(userId: string): Promise<SubscriptionView> {
    return this.view(await this.mustFind(userId));
  }

  private async mustFind(userId: string): Promise<SubscriptionRecord> {
    const subscription = await this.subscriptions.findCurrentForUser(userId);
    if (!subscription) throw new NotFoundError('You have no subscription (you are on the free plan)');
    return subscription;
  }

  private async paidPlan(code: string): Promise<PlanRecord> {
    const plan = await this.billing.findPlan(code);
    if (!plan || !plan.active) throw new ValidationFailedError([{ field: 'planCode', message: 'is not a plan one can subscribe to (GET /v1/billing/plans lists them)' }]);
    if (plan.price.amount === 0n) throw new ValidationFailedError([{ field: 'planCode', message: 'is the free plan, which needs no subscription' }]);
    return plan;
  }

  private async view(subscription: SubscriptionRecord): Promise<SubscriptionView> {
    const plan = await this.billing.findPlan(subscription.planCode);
    if (!plan) throw new Error(`subscription ${subscription.id} names an unknown plan`);
    return { ...subscription, plan };
  }
}
