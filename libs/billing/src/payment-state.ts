import { InvalidTransitionError } from './billing.errors';

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Every allowed payment transition, in one place: pending -> succeeded | failed (the provider's
 * answer, synchronous or by webhook); succeeded -> partially_refunded | refunded;
 * partially_refunded -> partially_refunded (another partial refund) | refunded. failed and
 * refunded are final.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['succeeded', 'failed'],
  succeeded: ['partially_refunded', 'refunded'],
  failed: [],
  refunded: [],
  partially_refunded: ['partially_refunded', 'refunded'],
};

export function canTransitionPayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[from].includes(to);
}

/** Returns `to` when allowed; throws InvalidTransitionError (409) otherwise. */
export function transitionPayment(from: PaymentStatus, to: PaymentStatus): PaymentStatus {
  if (!canTransitionPayment(from, to)) throw new InvalidTransitionError('payment', from, to);
  return to;
}

/** The status after refunding `refunded` of `amount` in total: partially_refunded or refunded. */
export function refundedStatus(amount: bigint, refunded: bigint): PaymentStatus {
  return refunded >= amount ? 'refunded' : 'partially_refunded';
}

/** A chargeback's states, as Stripe names them; won, lost and warning_closed are final. */
export const DISPUTE_STATUSES = ['warning_needs_response', 'warning_under_review', 'warning_closed', 'needs_response', 'under_review', 'won', 'lost'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export function isFinalDispute(status: DisputeStatus): boolean {
  return status === 'won' || status === 'lost' || status === 'warning_closed';
}
