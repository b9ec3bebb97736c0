import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditService } from '@app/auditing';
import { NotFoundError, type Page } from '@app/common';
import { InjectConfig } from '@app/config';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { BillingClock } from './billing.clock';
import { BILLING_CONFIG, type BillingConfig } from './billing.config';
import { RefundExceedsPaymentError } from './billing.errors';
import { BillingService } from './billing.service';
import type { InvoiceRecord, PaymentDispute, PaymentRecord, SubscriptionRecord } from './billing.types';
import { formatMoney } from './money.util';
import { isFinalDispute, refundedStatus, transitionPayment } from './payment-state';
import { PaymentsRepository } from './payments.repository';
import { type ChargeResult, PaymentProvider } from './providers/payment-provider';
import { nextRetryAt } from './retry-schedule.util';
import { transitionSubscription } from './subscription-state';
import { SubscriptionsRepository } from './subscriptions.repository';

/**
 * The provider key for a client's Idempotency-Key: per user, scoped to the object the call acts on
 * (the invoice charged, or the payment and the amount already refunded), and short enough for
 * every provider (Stripe: 255). The scope matters once our key record has expired (24 h): the
 * client may then use the same key for a new request, which must be a new provider call (a new
 * payment row, not a unique-key violation; a new refund, not the provider replaying the old one),
 * while a retry of the same request (same invoice, same refunded amount) keeps the same key.
 */
export function providerKey(userId: string, key: string, scope: string): string {
  const plain = `${userId}:${key}`;
  const base = plain.length <= 160 ? plain : `${userId}:sha256:${createHash('sha256').update(key).digest('hex')}`;
  return `${base}:${scope}`;
}

/**
 * Payments: a pending row is written before the provider is called (with the row's idempotency
 * key), the provider's answer settles it. Settling is idempotent (a settled payment is left as
 * it is), so the synchronous answer, the provider's webhook and the reconciliation job may all
 * report the same charge in any order; each settlement moves the invoice and the subscription
 * in the same transaction, audited.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly billing: BillingService,
    @Inject(PaymentProvider) private readonly provider: PaymentProvider,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly transactions: TransactionRunner,
    private readonly clock: BillingClock,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  get providerName(): string {
    return this.provider.name;
  }

  /**
   * Writes a pending payment of the invoice's total inside `transaction` (or returns the
   * invoice's payment still pending, so that one charge per invoice is in flight). `key` is the provider
   * idempotency key: derived from the client's Idempotency-Key when there is one, else from the
   * invoice and the attempt number, so a repeated attempt is the same charge at the provider.
   */
  async open(invoice: InvoiceRecord, key: string | undefined, transaction: DbTransaction): Promise<PaymentRecord> {
    // One charge in flight per invoice: a payment still pending (its answer lost) is charged again with its own key, never beside a new one.
    const pending = await this.payments.findPendingForInvoice(invoice.id, transaction);
    if (pending) return pending;
    const attempt = (await this.payments.countForInvoice(invoice.id, transaction)) + 1;
    const payment = await this.payments.insert(
      {
        userId: invoice.userId,
        invoiceId: invoice.id,
        subscriptionId: invoice.subscriptionId,
        amount: invoice.total,
        currency: invoice.currency,
        provider: this.provider.name,
        providerIdempotencyKey: key ? providerKey(invoice.userId, key, `invoice:${invoice.id}`) : `invoice:${invoice.id}:attempt:${attempt}`,
      },
      transaction,
    );
    await this.audit.record(
      { action: 'billing.payment.create', actorId: invoice.userId, entityType: 'payment', entityId: payment.id, after: { status: payment.status, amount: payment.amount.toString(), invoiceId: invoice.id } },
      { transaction },
    );
    return payment;
  }

  /**
   * Charges a pending payment at the provider (outside any transaction: no lock is held while
   * the provider answers) and settles it. When the provider cannot be reached the payment stays
   * pending (ProviderUnavailableError propagates) and the reconciliation job retries it with the
   * same key.
   */
  async collect(payment: PaymentRecord, paymentMethod: string): Promise<PaymentRecord> {
    const result = await this.provider.charge({
      amount: payment.amount,
      currency: payment.currency,
      paymentMethod,
      idempotencyKey: payment.providerIdempotencyKey,
      description: `Clearmark invoice ${payment.invoiceId}`,
      metadata: { payment_id: payment.id, invoice_id: payment.invoiceId },
    });
    return this.settle(payment.id, result);
  }

  /**
   * Records the provider's answer for a payment, once: a payment that is no longer pending is
   * returned unchanged. Success pays the invoice and reactivates the subscription; failure
   * records the reason and, for a renewal, starts or advances the retries (1, 3, 5 days) and
   * finally makes the subscription unpaid or canceled (BILLING_RETRIES_EXHAUSTED).
   */
  async settle(paymentId: string, result: ChargeResult): Promise<PaymentRecord> {
    return this.transactions.run((transaction) => this.settleIn(transaction, paymentId, result));
  }

  /** settle inside the caller's transaction (a webhook event is marked processed in the same one). */
  async settleIn(transaction: DbTransaction, paymentId: string, result: ChargeResult): Promise<PaymentRecord> {
    const payment = await this.payments.lock(paymentId, transaction);
    if (!payment) throw new NotFoundError('No payment has this id');
    // Settled already, or still without an answer (the provider's webhook will give it).
    if (payment.status !== 'pending' || result.outcome === 'pending') return payment;
    const now = this.clock.now();
    const invoice = await this.billing.lockInvoice(payment.invoiceId, transaction);
    const subscription = payment.subscriptionId ? await this.subscriptions.lock(payment.subscriptionId, transaction) : null;
    if (result.outcome === 'succeeded') {
      const settled = await this.payments.update(payment.id, { status: transitionPayment('pending', 'succeeded'), providerReference: result.reference, succeededAt: now }, transaction);
      await this.recordPayment(settled, payment.status, transaction);
      if (invoice.status === 'open' || invoice.status === 'uncollectible') await this.billing.settleInvoice(invoice, 'paid', transaction);
      if (subscription) await this.activate(subscription, invoice, transaction);
      return settled;
    }
    const settled = await this.payments.update(
      payment.id,
      { status: transitionPayment('pending', 'failed'), providerReference: result.reference, failureCode: result.failureCode, failureMessage: result.failureMessage, failedAt: now },
      transaction,
    );
    await this.recordPayment(settled, payment.status, transaction);
    if (subscription) await this.onFailure(subscription, invoice, settled, now, transaction);
    return settled;
  }

  /**
   * Refunds `amount` of a payment (admins), never more than what is left of it: 422 otherwise,
   * 409 for a payment that did not succeed. The payment row stays locked while the provider
   * answers, so concurrent refunds of one payment queue and each sees what the previous left;
   * the provider call carries `key` (the admin's Idempotency-Key, else one derived from the
   * refund), so a retry after a lost answer is the same refund.
   */
  async refund(actorId: string, paymentId: string, amount: bigint, key: string | undefined): Promise<PaymentRecord> {
    return this.transactions.run(async (transaction) => {
      const payment = await this.payments.lock(paymentId, transaction);
      if (!payment) throw new NotFoundError('No payment has this id');
      const status = transitionPayment(payment.status, refundedStatus(payment.amount, payment.amountRefunded + amount));
      const left = payment.amount - payment.amountRefunded;
      if (amount > left) throw new RefundExceedsPaymentError(amount, left, payment.currency);
      if (!payment.providerReference) throw new Error(`payment ${payment.id} succeeded without a provider reference`);
      const refund = await this.provider.refund({
        reference: payment.providerReference,
        amount,
        currency: payment.currency,
        idempotencyKey: key ? providerKey(actorId, key, `refund:${payment.id}:${payment.amountRefunded}`) : `refund:${payment.id}:${payment.amountRefunded}:${amount}`,
        metadata: { payment_id: payment.id },
      });
      const refunded = await this.payments.update(payment.id, { status, amountRefunded: payment.amountRefunded + amount }, transaction);
      await this.audit.record(
        {
          action: 'billing.payment.refund',
          actorId,
          entityType: 'payment',
          entityId: payment.id,
          before: { status: payment.status, amountRefunded: payment.amountRefunded.toString() },
          after: { status, amountRefunded: refunded.amountRefunded.toString() },
          metadata: { amount: amount.toString(), providerRefundReference: refund.reference },
        },
        { transaction },
      );
      return refunded;
    });
  }

  /**
   * Brings a payment's refunded total up to what the provider reports (a refund made at the
   * provider, or our own refund's event): never down, so events in any order end at the
   * highest total. A pending payment is settled as succeeded first (a refund proves the charge).
   */
  async syncRefundedIn(transaction: DbTransaction, paymentId: string, reference: string, refundedTotal: bigint): Promise<PaymentRecord> {
    let payment = await this.settleIn(transaction, paymentId, { outcome: 'succeeded', reference });
    if (payment.status !== 'succeeded' && payment.status !== 'partially_refunded') return payment;
    const total = refundedTotal > payment.amount ? payment.amount : refundedTotal;
    if (total <= payment.amountRefunded) return payment;
    const status = transitionPayment(payment.status, refundedStatus(payment.amount, total));
    const before = payment;
    payment = await this.payments.update(payment.id, { status, amountRefunded: total }, transaction);
    await this.audit.record(
      {
        action: 'billing.payment.refund-sync',
        entityType: 'payment',
        entityId: payment.id,
        before: { status: before.status, amountRefunded: before.amountRefunded.toString() },
        after: { status, amountRefunded: total.toString() },
      },
      { transaction },
    );
    return payment;
  }

  /**
   * Records a chargeback on a payment (charge.dispute.* events), in the event's transaction. A
   * dispute proves the charge: a still-pending payment is settled as succeeded first. A dispute
   * that reached a final state (won, lost, warning_closed) is not moved back by an older event,
   * so the events may come in any order. Audited.
   */
  async syncDisputeIn(transaction: DbTransaction, paymentId: string, reference: string, dispute: PaymentDispute): Promise<PaymentRecord> {
    const payment = await this.settleIn(transaction, paymentId, { outcome: 'succeeded', reference });
    if (payment.status === 'pending' || payment.status === 'failed') return payment;
    const current = payment.dispute;
    if (current && isFinalDispute(current.status) && current.reference === dispute.reference) return payment;
    if (current && current.status === dispute.status && current.amount === dispute.amount && current.reference === dispute.reference) return payment;
    const updated = await this.payments.update(payment.id, { dispute }, transaction);
    await this.audit.record(
      {
        action: 'billing.payment.dispute',
        entityType: 'payment',
        entityId: payment.id,
        before: current ? { status: current.status, amount: current.amount.toString() } : null,
        after: { status: dispute.status, amount: dispute.amount.toString(), reason: dispute.reason, reference: dispute.reference },
      },
      { transaction },
    );
    this.logger.warn({ paymentId: payment.id, dispute: dispute.status, amount: dispute.amount.toString() }, 'Payment disputed (chargeback)');
    return updated;
  }

  /** The payment a provider event is about: by our id in its metadata, else by the provider's reference. */
  async findForEvent(provider: string, paymentId: string | null, reference: string | null): Promise<PaymentRecord | null> {
    if (paymentId) {
      const payment = await this.payments.findById(paymentId);
      if (payment && payment.provider === provider) return payment;
    }
    return reference ? this.payments.findByReference(provider, reference) : null;
  }

  /** The user's payments, newest first. */
  list(userId: string, limit: number | undefined, cursor: string | undefined): Promise<Page<PaymentRecord>> {
    return this.payments.listForUser(userId, limit ?? 20, cursor);
  }

  /** One of the user's payments; 404 for anyone else's. */
  async get(userId: string, id: string): Promise<PaymentRecord> {
    const payment = await this.payments.findForUser(userId, id);
    if (!payment) throw new NotFoundError('No payment of yours has this id');
    return payment;
  }

  private async recordPayment(payment: PaymentRecord, before: string, transaction: DbTransaction): Promise<void> {
    await this.audit.record(
      {
        action: `billing.payment.${payment.status === 'succeeded' ? 'succeed' : 'fail'}`,
        actorId: payment.userId,
        entityType: 'payment',
        entityId: payment.id,
        before: { status: before },
        after: { status: payment.status, providerReference: payment.providerReference, failureCode: payment.failureCode },
      },
      { transaction },
    );
  }

  /**
   * A paid invoice ends an incomplete start, a trial or a dunning: the subscription is active
   * again; a paid upgrade invoice moves it to the invoice's plan.
   */
  private async activate(subscription: SubscriptionRecord, invoice: InvoiceRecord, transaction: DbTransaction): Promise<void> {
    if (invoice.billingReason === 'subscription_update' && invoice.planCode && invoice.planCode !== subscription.planCode) {
      await this.subscriptions.update(subscription.id, { planCode: invoice.planCode, pendingPlanCode: null }, transaction);
      await this.audit.record(
        { action: 'billing.subscription.change-plan', entityType: 'subscription', entityId: subscription.id, before: { planCode: subscription.planCode }, after: { planCode: invoice.planCode } },
        { transaction },
      );
    }
    if (!['incomplete', 'trialing', 'past_due', 'unpaid'].includes(subscription.status)) return;
    const status = transitionSubscription(subscription.status, 'active');
    await this.subscriptions.update(
      subscription.id,
      { status, failureCode: null, failureMessage: null, failedAttempts: 0, firstFailedAt: null, nextRetryAt: null, incompleteExpiresAt: null },
      transaction,
    );
    await this.recordSubscription(subscription, status, transaction);
  }

  private async onFailure(subscription: SubscriptionRecord, invoice: InvoiceRecord, payment: PaymentRecord, now: Date, transaction: DbTransaction): Promise<void> {
    const failure = { failureCode: payment.failureCode, failureMessage: payment.failureMessage };
    const amount = formatMoney({ amount: payment.amount, currency: payment.currency });
    const data = { subscriptionId: subscription.id, invoiceId: invoice.id, paymentId: payment.id, failureCode: payment.failureCode };
    await this.notifications.notify(
      subscription.userId,
      { type: 'billing.payment-failed', title: 'Your payment failed', body: `We could not charge ${amount} for invoice ${invoice.number ?? invoice.id}: ${payment.failureMessage ?? payment.failureCode}.`, data },
      { transaction },
    );
    // An upgrade pays before it applies: its invoice is voided and the subscription stays as it was.
    if (invoice.billingReason === 'subscription_update') {
      if (invoice.status === 'open') await this.billing.settleInvoice(invoice, 'void', transaction);
      return;
    }
    // The first payment leaves the subscription incomplete; an unpaid one stays unpaid.
    if (invoice.billingReason !== 'subscription_cycle' || subscription.status === 'incomplete' || subscription.status === 'unpaid') {
      await this.subscriptions.update(subscription.id, failure, transaction);
      return;
    }
    if (subscription.status === 'active' || subscription.status === 'trialing') {
      const retryAt = nextRetryAt(now, 1) as Date; // the first retry always exists
      const status = transitionSubscription(subscription.status, 'past_due');
      await this.subscriptions.update(subscription.id, { ...failure, status, failedAttempts: 1, firstFailedAt: now, nextRetryAt: retryAt }, transaction);
      await this.recordSubscription(subscription, status, transaction);
      await this.notifyRetry(subscription, invoice, retryAt, transaction);
      return;
    }
    if (subscription.status !== 'past_due') return;
    const attempts = subscription.failedAttempts + 1;
    const retryAt = nextRetryAt(subscription.firstFailedAt ?? now, attempts);
    if (retryAt) {
      await this.subscriptions.update(subscription.id, { ...failure, failedAttempts: attempts, nextRetryAt: retryAt }, transaction);
      await this.notifyRetry(subscription, invoice, retryAt, transaction);
      return;
    }
    // Retries exhausted.
    const status = transitionSubscription('past_due', this.config.retriesExhausted);
    const ended = status === 'canceled' ? { canceledAt: now, endedAt: now } : {};
    await this.subscriptions.update(subscription.id, { ...failure, status, failedAttempts: attempts, nextRetryAt: null, ...ended }, transaction);
    await this.recordSubscription(subscription, status, transaction);
    if (status === 'canceled') await this.billing.settleInvoice(invoice, 'uncollectible', transaction);
    await this.notifications.notify(
      subscription.userId,
      {
        type: 'billing.subscription-ended',
        title: status === 'canceled' ? 'Your subscription was canceled' : 'Your subscription is unpaid',
        body:
          status === 'canceled'
            ? 'Every retry of your payment failed, so your subscription was canceled. You are on the free plan now.'
            : `Every retry of your payment failed. Pay invoice ${invoice.number ?? invoice.id} with another card to use your plan again; until then you are on the free plan.`,
        data: { subscriptionId: subscription.id, invoiceId: invoice.id, status },
      },
      { transaction },
    );
  }

  private async notifyRetry(subscription: SubscriptionRecord, invoice: InvoiceRecord, retryAt: Date, transaction: DbTransaction): Promise<void> {
    await this.notifications.notify(
      subscription.userId,
      {
        type: 'billing.retry-scheduled',
        title: 'We will retry your payment',
        body: `We will try to charge invoice ${invoice.number ?? invoice.id} again on ${retryAt.toISOString().slice(0, 10)}. You can update your card before then.`,
        data: { subscriptionId: subscription.id, invoiceId: invoice.id, retryAt: retryAt.toISOString() },
      },
      { transaction },
    );
  }

  private async recordSubscription(subscription: SubscriptionRecord, status: string, transaction: DbTransaction): Promise<void> {
    await this.audit.record(
      { action: 'billing.subscription.status', actorId: null, entityType: 'subscription', entityId: subscription.id, before: { status: subscription.status }, after: { status } },
      { transaction },
    );
    this.logger.log({ subscriptionId: subscription.id, from: subscription.status, to: status }, 'Subscription status changed');
  }
}
