import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { loggableError } from '@app/common';
import { TransactionRunner } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { BillingClock } from './billing.clock';
import { BillingService } from './billing.service';
import type { PaymentRecord } from './billing.types';
import { addMonths } from './billing-period.util';
import { formatMoney } from './money.util';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { ProviderUnavailableError } from './providers/payment-provider';
import { transitionSubscription } from './subscription-state';
import { SubscriptionsRepository } from './subscriptions.repository';
import { WebhooksService } from './webhooks/webhooks.service';

/** A pending payment older than this lost its answer (a crash, an outage): it is charged again with the same key. */
export const RECONCILE_PENDING_AFTER_MS = 10 * 60_000;
const BATCH = 200;

export interface RenewalRun {
  expired: number;
  ended: number;
  renewed: number;
  retried: number;
  reconciled: number;
  events: number;
}

/**
 * The `billing-renewals` job's work, one subscription per transaction, provider calls between
 * transactions. Safe to re-run after a crash at any point: a period is invoiced once (the
 * subscription's period moves in the same transaction as its invoice is written, and
 * invoices_subscription_period_idx allows one invoice per period); a payment written but never
 * charged is charged by the reconciliation with its own idempotency key, so the provider
 * answers a repeated call with the first charge.
 */
@Injectable()
export class SubscriptionRenewalsService {
  private readonly logger = new Logger(SubscriptionRenewalsService.name);

  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly paymentRows: PaymentsRepository,
    private readonly payments: PaymentsService,
    private readonly billing: BillingService,
    private readonly webhooks: WebhooksService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly transactions: TransactionRunner,
    private readonly clock: BillingClock,
  ) {}

  /** One run: expire incomplete starts, end canceled periods, renew due periods, retry due payments, reconcile. */
  async run(): Promise<RenewalRun> {
    const now = this.clock.now();
    const result: RenewalRun = { expired: 0, ended: 0, renewed: 0, retried: 0, reconciled: 0, events: 0 };
    for (const id of await this.subscriptions.idsIncompleteExpired(now, BATCH)) if (await this.expireIncomplete(id, now)) result.expired++;
    for (const id of await this.subscriptions.idsDueForRenewal(now, BATCH)) {
      const outcome = await this.renew(id, now);
      if (outcome === 'ended') result.ended++;
      if (outcome === 'renewed') result.renewed++;
    }
    for (const id of await this.subscriptions.idsDueForRetry(now, BATCH)) if (await this.retry(id, now)) result.retried++;
    result.reconciled = await this.reconcile(now);
    result.events = await this.webhooks.retryWaiting(BATCH);
    return result;
  }

  /** incomplete for 23 hours: incomplete_expired; its first invoice is voided. */
  private async expireIncomplete(id: string, now: Date): Promise<boolean> {
    return this.transactions.run(async (transaction) => {
      const subscription = await this.subscriptions.lock(id, transaction);
      if (!subscription || subscription.status !== 'incomplete' || !subscription.incompleteExpiresAt || subscription.incompleteExpiresAt > now) return false;
      const status = transitionSubscription('incomplete', 'incomplete_expired');
      await this.subscriptions.update(id, { status, endedAt: now }, transaction);
      await this.audit.record({ action: 'billing.subscription.expire', actorId: null, entityType: 'subscription', entityId: id, before: { status: subscription.status }, after: { status } }, { transaction });
      const invoice = await this.billing.findUnpaidSubscriptionInvoice(id, transaction);
      if (invoice?.status === 'open') await this.billing.settleInvoice(await this.billing.lockInvoice(invoice.id, transaction), 'void', transaction);
      await this.notifications.notify(
        subscription.userId,
        { type: 'billing.subscription-ended', title: 'Your subscription did not start', body: 'Its first payment never succeeded, so it expired. You are on the free plan.', data: { subscriptionId: id, status } },
        { transaction },
      );
      return true;
    });
  }

  /**
   * A live subscription whose period is over: canceled at period end -> canceled; otherwise the
   * next period is invoiced (on the pending downgrade's plan, if any) and charged.
   */
  private async renew(id: string, now: Date): Promise<'ended' | 'renewed' | null> {
    const opened = await this.transactions.run(async (transaction): Promise<{ outcome: 'ended' | 'renewed' | null; payment?: PaymentRecord; method?: string }> => {
      const subscription = await this.subscriptions.lock(id, transaction);
      if (!subscription || (subscription.status !== 'active' && subscription.status !== 'trialing') || subscription.currentPeriodEnd > now) return { outcome: null };
      if (subscription.cancelAtPeriodEnd) {
        const status = transitionSubscription(subscription.status, 'canceled');
        await this.subscriptions.update(id, { status, endedAt: subscription.currentPeriodEnd }, transaction);
        await this.audit.record({ action: 'billing.subscription.end', actorId: null, entityType: 'subscription', entityId: id, before: { status: subscription.status }, after: { status } }, { transaction });
        await this.notifications.notify(
          subscription.userId,
          { type: 'billing.subscription-ended', title: 'Your subscription ended', body: 'It was canceled at the end of its period. You are on the free plan.', data: { subscriptionId: id, status } },
          { transaction },
        );
        return { outcome: 'ended' };
      }
      const plan = await this.billing.findPlan(subscription.pendingPlanCode ?? subscription.planCode);
      if (!plan) throw new Error(`subscription ${id} names an unknown plan`);
      const periodStart = subscription.currentPeriodEnd;
      const periodEnd = addMonths(periodStart, 1);
      let invoice = await this.billing.findSubscriptionInvoice(id, 'subscription_cycle', periodStart, transaction);
      if (!invoice) {
        invoice = await this.billing.issue(
          {
            userId: subscription.userId,
            subscriptionId: id,
            planCode: plan.code,
            currency: plan.price.currency,
            billingReason: 'subscription_cycle',
            periodStart,
            periodEnd,
            lines: [{ description: `${plan.name} plan`, periodStart, periodEnd, quantity: 1, unitAmount: plan.price.amount, amount: plan.price.amount }],
          },
          transaction,
        );
        await this.notifications.notify(
          subscription.userId,
          {
            type: 'billing.invoice-issued',
            title: `Invoice ${invoice.number}`,
            body: `Your ${plan.name} plan from ${periodStart.toISOString().slice(0, 10)} to ${periodEnd.toISOString().slice(0, 10)}: ${formatMoney({ amount: invoice.total, currency: invoice.currency })}.`,
            data: { subscriptionId: id, invoiceId: invoice.id, number: invoice.number },
          },
          { transaction },
        );
      }
      await this.subscriptions.update(id, { planCode: plan.code, pendingPlanCode: null, currentPeriodStart: periodStart, currentPeriodEnd: periodEnd }, transaction);
      await this.audit.record(
        { action: 'billing.subscription.renew', actorId: null, entityType: 'subscription', entityId: id, before: { periodEnd: periodStart.toISOString(), planCode: subscription.planCode }, after: { periodEnd: periodEnd.toISOString(), planCode: plan.code, invoiceId: invoice.id } },
        { transaction },
      );
      const payment = invoice.total > 0n ? await this.payments.open(invoice, undefined, transaction) : undefined;
      if (!payment) await this.billing.settleInvoice(invoice, 'paid', transaction);
      return { outcome: 'renewed', payment, method: subscription.paymentMethod };
    });
    if (opened.payment && opened.method) await this.collect(opened.payment, opened.method);
    return opened.outcome;
  }

  /** A past_due subscription whose retry is due: its unpaid invoice is charged again. */
  private async retry(id: string, now: Date): Promise<boolean> {
    const opened = await this.transactions.run(async (transaction) => {
      const subscription = await this.subscriptions.lock(id, transaction);
      if (!subscription || subscription.status !== 'past_due' || !subscription.nextRetryAt || subscription.nextRetryAt > now) return null;
      const invoice = await this.billing.findUnpaidSubscriptionInvoice(id, transaction);
      // Claimed for this run: the payment's outcome sets the next retry (or ends the retries).
      await this.subscriptions.update(id, { nextRetryAt: null }, transaction);
      if (!invoice) return null;
      return { payment: await this.payments.open(invoice, undefined, transaction), method: subscription.paymentMethod };
    });
    if (!opened) return false;
    await this.collect(opened.payment, opened.method);
    return true;
  }

  /** Payments pending for 10 minutes: charged again with their own key (the provider answers with the first charge, if there was one). */
  private async reconcile(now: Date): Promise<number> {
    let done = 0;
    for (const id of await this.paymentRows.idsPendingBefore(new Date(now.getTime() - RECONCILE_PENDING_AFTER_MS), BATCH)) {
      const payment = await this.paymentRows.findById(id);
      const subscription = payment?.subscriptionId ? await this.subscriptions.findById(payment.subscriptionId) : null;
      if (!payment || !subscription) continue;
      if ((await this.collect(payment, subscription.paymentMethod)).status !== 'pending') done++;
    }
    return done;
  }

  /** Charges; an unreachable provider leaves the payment pending for the next run. */
  private async collect(payment: PaymentRecord, method: string): Promise<PaymentRecord> {
    try {
      return await this.payments.collect(payment, method);
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      this.logger.warn({ err: loggableError(error), paymentId: payment.id }, 'Payment provider unavailable: the payment stays pending for the next run');
      return payment;
    }
  }
}
