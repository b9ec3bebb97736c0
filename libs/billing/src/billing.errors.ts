import { AppError } from '@app/common';
import { formatMoney } from './money.util';

/** A state change the state machine does not allow from the current state: 409 problem+json. */
export class InvalidTransitionError extends AppError {
  constructor(entity: 'subscription' | 'invoice' | 'payment', from: string, to: string) {
    super('invalid-state-transition', 409, 'Conflict', {
      detail: `A ${entity} cannot go from ${from} to ${to}`,
      extensions: { entity, from, to },
    });
  }
}

/** The user already has a subscription that is not over: change its plan instead (409). */
export class SubscriptionExistsError extends AppError {
  constructor(status: string) {
    super('subscription-exists', 409, 'Conflict', {
      detail: `You already have a subscription (${status}): change its plan with PATCH /v1/billing/subscription, or cancel it first`,
      extensions: { currentStatus: status },
    });
  }
}

/** The Idempotency-Key was used before with another request (body, method or path): 422. */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super('idempotency-key-reused', 422, 'Unprocessable Content', {
      detail: 'This Idempotency-Key was used with a different request in the last 24 hours: use a new key for a new request',
    });
  }
}

/** The first request with this Idempotency-Key is still running: 409, retry shortly for its response. */
export class IdempotencyKeyInFlightError extends AppError {
  constructor() {
    super('idempotency-key-in-flight', 409, 'Conflict', {
      detail: 'A request with this Idempotency-Key is still being processed: retry in a moment to get its response',
      headers: { 'retry-after': '1' },
    });
  }
}

/** A refund larger than what is left of the payment: 422, naming what is left. */
export class RefundExceedsPaymentError extends AppError {
  constructor(requested: bigint, left: bigint, currency: string) {
    super('refund-exceeds-payment', 422, 'Unprocessable Content', {
      detail: `A refund of ${formatMoney({ amount: requested, currency })} is more than the ${formatMoney({ amount: left, currency })} left to refund on this payment`,
      extensions: { requested: Number(requested), refundable: Number(left), currency },
    });
  }
}

/** A webhook whose signature does not verify, or whose timestamp is older than 5 minutes: 400. */
export class WebhookSignatureError extends AppError {
  constructor(reason: 'missing' | 'mismatch' | 'stale' | 'malformed') {
    const detail = {
      missing: 'The Stripe-Signature header is missing',
      mismatch: 'No signature in the Stripe-Signature header matches the body',
      stale: 'The signature timestamp is more than 300 seconds old',
      malformed: 'The event is not a JSON object with an id, a type and data.object',
    }[reason];
    super('webhook-signature-invalid', 400, 'Bad Request', { detail, extensions: { reason } });
  }
}

/** A change the subscription's state does not allow (a plan change of an unpaid one, say): 409 naming the state. */
export class SubscriptionStateError extends AppError {
  constructor(action: string, status: string) {
    super('subscription-invalid-state', 409, 'Conflict', { detail: `The subscription is ${status}: ${action} is not possible in that state`, extensions: { currentStatus: status } });
  }
}

/** A charge that had to succeed for the change to happen was declined: 402, with the provider's reason. */
export class PaymentFailedError extends AppError {
  constructor(failureCode: string | null, failureMessage: string | null, paymentId: string) {
    super('payment-failed', 402, 'Payment Required', {
      detail: `The payment was declined${failureMessage ? `: ${failureMessage}` : ''}; nothing was changed`,
      extensions: { failureCode, paymentId },
    });
  }
}

/** The plan's searches for this period are used up: 402, naming the plan and when the quota resets. */
export class SearchQuotaExceededError extends AppError {
  constructor(plan: { code: string; name: string; searchQuota: number }, resetsAt: Date) {
    super('search-quota-exceeded', 402, 'Payment Required', {
      detail: `Your ${plan.name} plan's ${plan.searchQuota} searches for this period are used up; the quota resets at ${resetsAt.toISOString()}, or upgrade your plan`,
      extensions: { plan: plan.code, quota: plan.searchQuota, resetsAt: resetsAt.toISOString() },
    });
  }
}
