import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { NotFoundError, ValidationFailedError } from '@app/common';
import { TransactionRunner } from '@app/database';
import { BillingClock } from './billing.clock';
import { PaymentFailedError, SubscriptionExistsError, SubscriptionStateError } from './billing.errors';
import { BillingService } from './billing.service';
import type { PlanRecord, SubscriptionRecord } from './billing.types';
import { addMonths } from './billing-period.util';
import { money } from './money.util';
import { prorate } from './proration.util';
import { transitionSubscription } from './subscription-state';
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
   * A plan with trial days starts trialing, uncharged, until the trial ends (the renewal job then
   * invoices and charges the first month); a user gets one trial. 409 when the user
   * already has a subscription that is not over.
   */
  async subscribe(userId: string, input: { planCode: string; paymentToken: string }, idempotencyKey?: string): Promise<SubscriptionView> {
    const plan = await this.paidPlan(input.planCode);
    const now = this.clock.now();
    const opened = await this.transactions.run(async (transaction) => {
      const existing = await this.subscriptions.findOpenForUser(userId, transaction);
      if (existing) throw new SubscriptionExistsError(existing.status);
      // One trial per user: a plan's trial days are for a first subscription only.
      const trial = plan.trialDays > 0 && !(await this.subscriptions.hadTrial(userId, transaction));
      const trialEnd = trial ? new Date(now.getTime() + plan.trialDays * DAY_MS) : null;
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
            currentPeriodEnd: trialEnd ?? addMonths(now, 1),
            incompleteExpiresAt: trial ? null : new Date(now.getTime() + INCOMPLETE_EXPIRES_AFTER_MS),
            trialStart: trial ? now : null,
            trialEnd,
          },
          transaction,
        );
      } catch (error) {
        if (error instanceof OpenSubscriptionExistsError) throw new SubscriptionExistsError('open');
        throw error;
      }
      await this.audit.record(
        { action: 'billing.subscription.create', actorId: userId, entityType: 'subscription', entityId: subscription.id, after: { status: subscription.status, planCode: plan.code, trialEnd: trialEnd?.toISOString() ?? null } },
        { transaction },
      );
      if (trial) return { subscription, payment: null };
      const draft = await this.billing.createDraft(
        {
          userId,
          subscriptionId: subscription.id,
          currency: plan.price.currency,
          billingReason: 'subscription_create',
          planCode: plan.code,
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

  /**
   * Changes the plan and/or the payment method.
   * - `paymentToken`: the card for later charges; when the subscription has an unpaid invoice
   *   (incomplete, past_due, unpaid) it is charged at once with the new card.
   * - `planCode`, more expensive: an upgrade now, prorated by the second on one invoice (credit
   *   for the unused time on the old plan, charge for the rest of the period on the new one),
   *   charged at once; the plan changes when that invoice is paid (402 and nothing changed when
   *   the charge is declined). Cheaper or equal: a downgrade at the end of the period
   *   (`pendingPlanCode`); the current plan again cancels a pending downgrade.
   * Plan changes need an active (or trialing) subscription: 409 otherwise.
   */
  async change(userId: string, input: { planCode?: string; paymentToken?: string }, idempotencyKey?: string): Promise<SubscriptionView> {
    if (input.paymentToken) await this.updatePaymentMethod(userId, input.paymentToken, input.planCode ? undefined : idempotencyKey);
    if (input.planCode) await this.changePlan(userId, input.planCode, idempotencyKey);
    return this.view(await this.mustFind(userId));
  }

  private async updatePaymentMethod(userId: string, paymentToken: string, idempotencyKey: string | undefined): Promise<void> {
    const opened = await this.transactions.run(async (transaction) => {
      const subscription = await this.subscriptions.findOpenForUser(userId, transaction);
      if (!subscription) throw new NotFoundError('You have no open subscription');
      await this.subscriptions.update(subscription.id, { paymentMethod: paymentToken }, transaction);
      await this.audit.record(
        { action: 'billing.subscription.update-payment-method', actorId: userId, entityType: 'subscription', entityId: subscription.id, metadata: { provider: subscription.provider } },
        { transaction },
      );
      if (!['incomplete', 'past_due', 'unpaid'].includes(subscription.status)) return null;
      const invoice = await this.billing.findUnpaidSubscriptionInvoice(subscription.id, transaction);
      return invoice ? this.payments.open(invoice, idempotencyKey, transaction) : null;
    });
    if (opened) await this.payments.collect(opened, paymentToken);
  }

  private async changePlan(userId: string, planCode: string, idempotencyKey: string | undefined): Promise<void> {
    const target = await this.paidPlan(planCode);
    const now = this.clock.now();
    const opened = await this.transactions.run(async (transaction) => {
      const subscription = await this.subscriptions.findOpenForUser(userId, transaction);
      if (!subscription) throw new NotFoundError('You have no open subscription: subscribe first');
      if (subscription.status !== 'active' && subscription.status !== 'trialing') throw new SubscriptionStateError('a plan change', subscription.status);
      const current = await this.billing.findPlan(subscription.planCode);
      if (!current) throw new Error(`subscription ${subscription.id} names an unknown plan`);
      const record = (after: Record<string, unknown>) =>
        this.audit.record(
          { action: 'billing.subscription.request-plan-change', actorId: userId, entityType: 'subscription', entityId: subscription.id, before: { planCode: current.code, pendingPlanCode: subscription.pendingPlanCode }, after },
          { transaction },
        );
      if (target.code === current.code) {
        if (subscription.pendingPlanCode) {
          await this.subscriptions.update(subscription.id, { pendingPlanCode: null }, transaction);
          await record({ planCode: current.code, pendingPlanCode: null });
        }
        return null;
      }
      // A trial has nothing paid to prorate: the new plan applies at once and is billed when the trial ends.
      if (target.price.amount <= current.price.amount || subscription.status === 'trialing') {
        const immediate = subscription.status === 'trialing';
        await this.subscriptions.update(subscription.id, immediate ? { planCode: target.code, pendingPlanCode: null } : { pendingPlanCode: target.code }, transaction);
        await record(immediate ? { planCode: target.code } : { planCode: current.code, pendingPlanCode: target.code });
        return null;
      }
      const proration = prorate({ oldPrice: current.price, newPrice: target.price, periodStart: subscription.currentPeriodStart, periodEnd: subscription.currentPeriodEnd, at: now });
      const remaining = { periodStart: now, periodEnd: subscription.currentPeriodEnd };
      const draft = await this.billing.createDraft(
        {
          userId,
          subscriptionId: subscription.id,
          planCode: target.code,
          currency: target.price.currency,
          billingReason: 'subscription_update',
          ...remaining,
          lines: [
            { description: `Unused time on ${current.name} plan`, ...remaining, quantity: 1, unitAmount: proration.credit.amount, amount: proration.credit.amount },
            { description: `Remaining time on ${target.name} plan`, ...remaining, quantity: 1, unitAmount: proration.charge.amount, amount: proration.charge.amount },
          ],
        },
        transaction,
      );
      const invoice = await this.billing.finalize(draft.id, transaction);
      await record({ planCode: current.code, upgradeTo: target.code, invoiceId: invoice.id });
      if (invoice.total <= money(0n, invoice.currency).amount) {
        // Nothing to charge (the very end of the period): paid as it stands, the plan changes now.
        await this.billing.settleInvoice(invoice, 'paid', transaction);
        await this.subscriptions.update(subscription.id, { planCode: target.code, pendingPlanCode: null }, transaction);
        return null;
      }
      return { payment: await this.payments.open(invoice, idempotencyKey, transaction), method: subscription.paymentMethod };
    });
    if (!opened) return;
    const settled = await this.payments.collect(opened.payment, opened.method);
    if (settled.status === 'failed') throw new PaymentFailedError(settled.failureCode, settled.failureMessage, settled.id);
  }

  /**
   * Cancels: at the end of the period (the subscription keeps its plan until then and does not
   * renew), or now. Canceling now ends it at once (no refund of the period); its unpaid invoice,
   * if any, is voided. An incomplete subscription canceled now expires (incomplete_expired).
   */
  async cancel(userId: string, atPeriodEnd: boolean): Promise<SubscriptionView> {
    const now = this.clock.now();
    await this.transactions.run(async (transaction) => {
      const subscription = await this.subscriptions.findOpenForUser(userId, transaction);
      if (!subscription) throw new NotFoundError('You have no open subscription');
      if (atPeriodEnd) {
        if (!['trialing', 'active', 'past_due'].includes(subscription.status)) throw new SubscriptionStateError('canceling at period end', subscription.status);
        await this.subscriptions.update(subscription.id, { cancelAtPeriodEnd: true, canceledAt: now, pendingPlanCode: null }, transaction);
        await this.audit.record(
          { action: 'billing.subscription.cancel-at-period-end', actorId: userId, entityType: 'subscription', entityId: subscription.id, after: { cancelAtPeriodEnd: true, endsAt: subscription.currentPeriodEnd.toISOString() } },
          { transaction },
        );
        return;
      }
      const status = transitionSubscription(subscription.status, subscription.status === 'incomplete' ? 'incomplete_expired' : 'canceled');
      await this.subscriptions.update(subscription.id, { status, canceledAt: now, endedAt: now, nextRetryAt: null, pendingPlanCode: null }, transaction);
      await this.audit.record(
        { action: 'billing.subscription.cancel', actorId: userId, entityType: 'subscription', entityId: subscription.id, before: { status: subscription.status }, after: { status } },
        { transaction },
      );
      const unpaid = await this.billing.findUnpaidSubscriptionInvoice(subscription.id, transaction);
      if (unpaid?.status === 'open') await this.billing.settleInvoice(await this.billing.lockInvoice(unpaid.id, transaction), 'void', transaction);
    });
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
