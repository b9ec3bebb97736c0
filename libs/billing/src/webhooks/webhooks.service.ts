import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { NotFoundError } from '@app/common';
import { InjectConfig } from '@app/config';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { BillingClock } from '../billing.clock';
import { BILLING_CONFIG, type BillingConfig } from '../billing.config';
import { WebhookSignatureError } from '../billing.errors';
import type { PaymentRecord } from '../billing.types';
import { PaymentsService } from '../payments.service';
import { DISPUTE_STATUSES, type DisputeStatus } from '../payment-state';
import { PROVIDER_NAMES, type ProviderName } from '../providers/payment-provider';
import { SandboxEvents } from '../providers/sandbox-events';
import { stripePackage } from '../providers/stripe-package';
import { type StoredEvent, WebhookEventsRepository } from './webhook-events.repository';

/** Stripe's default, kept for both providers: a signature older than this is refused. */
export const WEBHOOK_TOLERANCE_S = 300;
/** An event still about nothing of ours this long after it arrived is closed (Stripe retries a delivery for 3 days). */
export const WEBHOOK_WAIT_MS = 72 * 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WebhookReceipt {
  received: true;
  /** The event was processed before (a redelivery): nothing was done again. */
  duplicate: boolean;
  /** What processing did, or what it waits for (`waiting: ...`). */
  outcome: string;
}

interface VerifiedEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

type Applied = { done: boolean; outcome: string };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const int = (v: unknown): bigint | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null);

/**
 * Provider webhooks, one path for both providers: the signature is verified by the stripe
 * package's own `webhooks.constructEvent` (HMAC-SHA256 over `t.rawBody`, several v1 values
 * accepted for secret rotation, 300 s tolerance) with the provider's secret; the event is
 * stored under (provider, id) and processed in one transaction that marks it processed, so a
 * redelivery does nothing. Handling is order-independent: settling a payment is idempotent, a
 * refund or dispute event settles a still-pending payment first, refunded totals only grow, a
 * final dispute state is not moved back, and an event about a payment we do not have yet waits
 * (unprocessed) for the reconciliation job, for at most 72 hours (then it is closed, `gave up`).
 * Handled: payment_intent.succeeded/payment_failed/canceled, charge.succeeded/failed,
 * charge.refunded, charge.dispute.*, invoice.paid/payment_succeeded/payment_failed (when they
 * name a payment intent of ours). customer.subscription.* and any other type are stored and
 * acknowledged with the reason they change nothing.
 */
@Injectable()
export class WebhooksService implements OnModuleInit {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly payments: PaymentsService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: BillingClock,
    private readonly sandboxEvents: SandboxEvents,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  onModuleInit(): void {
    this.sandboxEvents.deliverTo((rawBody, header) => this.receive('sandbox', rawBody, header));
  }

  /** Verifies, stores and processes one delivery. 404 for a provider without an endpoint, 400 for a bad signature. */
  async receive(provider: string, rawBody: string, signatureHeader: string | undefined): Promise<WebhookReceipt> {
    const name = this.endpoint(provider);
    const event = this.verify(name, rawBody, signatureHeader);
    await this.events.insertIfNew({ provider: name, eventId: event.id, type: event.type, payload: event as unknown as Record<string, unknown>, receivedAt: this.clock.now() });
    return this.process(name, event.id);
  }

  /** Processes a stored event unless it was processed already. */
  async process(provider: ProviderName, eventId: string): Promise<WebhookReceipt> {
    return this.transactions.run(async (transaction) => {
      const stored = await this.events.lock(provider, eventId, transaction);
      if (!stored) throw new NotFoundError('No such event');
      if (stored.processedAt) return { received: true as const, duplicate: true, outcome: stored.outcome ?? '' };
      const applied = await this.apply(provider, stored, transaction);
      if (!applied.done && stored.receivedAt.getTime() > this.clock.now().getTime() - WEBHOOK_WAIT_MS) {
        await this.events.markWaiting(provider, eventId, applied.outcome, transaction);
        return { received: true as const, duplicate: false, outcome: applied.outcome };
      }
      // Waited as long as a provider retries (Stripe: 3 days): about nothing of ours; closed so it no longer takes the job's batch.
      if (!applied.done) applied.outcome = `gave up: ${applied.outcome.replace(/^waiting: /, '')} after ${WEBHOOK_WAIT_MS / 3_600_000} h`;
      await this.events.markProcessed(provider, eventId, applied.outcome, this.clock.now(), transaction);
      await this.audit.record(
        { action: 'billing.webhook.process', actorId: null, entityType: 'webhook-event', entityId: null, after: { provider, eventId, type: stored.type, outcome: applied.outcome } },
        { transaction },
      );
      return { received: true as const, duplicate: false, outcome: applied.outcome };
    });
  }

  /** The reconciliation job's part: events still waiting for their payment are tried again. Returns how many got processed. */
  async retryWaiting(limit = 100): Promise<number> {
    let done = 0;
    for (const { provider, eventId } of await this.events.findWaiting(limit)) {
      if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) continue;
      const receipt = await this.process(provider as ProviderName, eventId);
      if (!receipt.outcome.startsWith('waiting')) done++;
    }
    return done;
  }

  private endpoint(provider: string): ProviderName {
    if (provider === 'sandbox') return 'sandbox';
    if (provider === 'stripe' && this.config.provider.stripe) return 'stripe';
    throw new NotFoundError('No webhook endpoint for this provider');
  }

  private secret(provider: ProviderName): string {
    return provider === 'stripe' ? (this.config.provider.stripe?.webhookSecret ?? '') : this.config.provider.sandboxWebhookSecret;
  }

  private verify(provider: ProviderName, rawBody: string, header: string | undefined): VerifiedEvent {
    if (!header) throw new WebhookSignatureError('missing');
    let event: unknown;
    try {
      event = stripePackage().webhooks.constructEvent(rawBody, header, this.secret(provider), WEBHOOK_TOLERANCE_S);
    } catch (error) {
      if (error instanceof stripePackage().errors.StripeSignatureVerificationError) {
        throw new WebhookSignatureError(/tolerance/i.test(error.message) ? 'stale' : 'mismatch');
      }
      // Signed but not JSON.
      throw new WebhookSignatureError('malformed');
    }
    const e = event as Partial<VerifiedEvent> | null;
    const object = e?.data?.object;
    if (!e || !str(e.id) || (e.id as string).length > 255 || !str(e.type) || !object || typeof object !== 'object' || Array.isArray(object)) {
      throw new WebhookSignatureError('malformed');
    }
    return e as VerifiedEvent;
  }

  private async apply(provider: ProviderName, event: StoredEvent, transaction: DbTransaction): Promise<Applied> {
    const object = (event.payload as unknown as VerifiedEvent).data.object;
    const metadata = (object.metadata && typeof object.metadata === 'object' ? object.metadata : {}) as Record<string, unknown>;
    const paymentId = str(metadata.payment_id);
    const ourId = paymentId && UUID.test(paymentId) ? paymentId : null;
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed':
      case 'payment_intent.canceled': {
        const error = record(object.last_payment_error);
        return this.settlePayment(provider, ourId, str(object.id), object, transaction, event.type === 'payment_intent.succeeded' ? null : {
          failureCode: str(error.decline_code) ?? str(error.code) ?? (event.type === 'payment_intent.canceled' ? 'canceled' : 'payment_failed'),
          failureMessage: str(error.message) ?? (event.type === 'payment_intent.canceled' ? `The payment was canceled (${str(object.cancellation_reason) ?? 'no reason given'})` : 'The payment failed'),
        });
      }
      // The charge behind a payment intent: the same settlement, found by its payment intent.
      case 'charge.succeeded':
      case 'charge.failed':
        return this.settlePayment(provider, ourId, str(object.payment_intent) ?? str(object.id), object, transaction, event.type === 'charge.succeeded' ? null : {
          failureCode: str(record(object.outcome).reason) ?? str(object.failure_code) ?? 'payment_failed',
          failureMessage: str(object.failure_message) ?? 'The payment failed',
        });
      // Provider invoices: Clearmark issues its own, so these matter only when they name a payment intent of ours.
      case 'invoice.paid':
      case 'invoice.payment_succeeded':
      case 'invoice.payment_failed': {
        const reference = str(object.payment_intent);
        const payment = reference ? await this.payments.findForEvent(provider, ourId, reference) : null;
        if (!payment) return { done: true, outcome: `ignored: ${event.type} names no payment of ours (Clearmark issues its own invoices)` };
        return this.settlePayment(provider, payment.id, reference, { currency: object.currency }, transaction, event.type === 'invoice.payment_failed' ? { failureCode: 'invoice_payment_failed', failureMessage: 'The payment failed' } : null);
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        // Clearmark's subscriptions live here (their periods, renewals and dunning); none is created at the provider.
        return { done: true, outcome: `ignored: ${event.type}: subscriptions are Clearmark's own, none lives at the provider` };
      case 'charge.refunded': {
        const reference = str(object.payment_intent) ?? str(object.id);
        const refunded = int(object.amount_refunded);
        const payment = await this.payments.findForEvent(provider, ourId, reference);
        if (!payment || !reference) return { done: false, outcome: 'waiting: no payment of ours matches this charge yet' };
        if (refunded === null) return { done: true, outcome: 'ignored: amount_refunded is not an integer' };
        const mismatch = this.mismatch(payment, object);
        if (mismatch) return { done: true, outcome: `ignored: ${mismatch}` };
        const synced = await this.payments.syncRefundedIn(transaction, payment.id, reference, refunded);
        return { done: true, outcome: `payment ${payment.id} ${synced.status}, ${synced.amountRefunded} refunded` };
      }
      case 'charge.dispute.created':
      case 'charge.dispute.updated':
      case 'charge.dispute.closed':
      case 'charge.dispute.funds_withdrawn':
      case 'charge.dispute.funds_reinstated': {
        const reference = str(object.payment_intent);
        const disputeId = str(object.id);
        const status = str(object.status);
        const amount = int(object.amount);
        const payment = await this.payments.findForEvent(provider, ourId, reference);
        if (!payment || !reference) return { done: false, outcome: 'waiting: no payment of ours matches this dispute yet' };
        if (!disputeId || !status || !(DISPUTE_STATUSES as readonly string[]).includes(status) || amount === null) return { done: true, outcome: 'ignored: not a dispute (id, status, amount)' };
        const mismatch = this.mismatch(payment, object);
        if (mismatch) return { done: true, outcome: `ignored: ${mismatch}` };
        const synced = await this.payments.syncDisputeIn(transaction, payment.id, reference, { reference: disputeId, status: status as DisputeStatus, amount, reason: str(object.reason) });
        return { done: true, outcome: `payment ${payment.id} disputed: ${synced.dispute?.status ?? 'none'}` };
      }
      default:
        return { done: true, outcome: `ignored: ${event.type} is not handled` };
    }
  }

  /** A payment's success (failure null) or failure from an event: settled once, whatever came before. */
  private async settlePayment(
    provider: ProviderName,
    ourId: string | null,
    reference: string | null,
    object: Record<string, unknown>,
    transaction: DbTransaction,
    failure: { failureCode: string; failureMessage: string } | null,
  ): Promise<Applied> {
    const payment = await this.payments.findForEvent(provider, ourId, reference);
    if (!payment || !reference) return { done: false, outcome: 'waiting: no payment of ours matches this payment intent yet' };
    const mismatch = this.mismatch(payment, object);
    if (mismatch) return { done: true, outcome: `ignored: ${mismatch}` };
    const settled = await this.payments.settleIn(transaction, payment.id, failure ? { outcome: 'failed', reference, ...failure } : { outcome: 'succeeded', reference });
    return { done: true, outcome: `payment ${payment.id} ${settled.status}` };
  }

  /** A signed event whose currency disagrees with our payment is not applied (logged): it is not about this payment. */
  private mismatch(payment: PaymentRecord, object: Record<string, unknown>): string | null {
    const currency = str(object.currency);
    if (currency && currency.toUpperCase() !== payment.currency) {
      this.logger.warn({ paymentId: payment.id, currency }, 'Webhook event currency differs from the payment');
      return `currency ${currency} differs from the payment's ${payment.currency}`;
    }
    return null;
  }
}
