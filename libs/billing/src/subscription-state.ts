import { InvalidTransitionError } from './billing.errors';

export const SUBSCRIPTION_STATUSES = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * Every allowed subscription transition, in one place (the unit spec walks the whole matrix):
 * - incomplete: the first payment failed; paid later -> active (or trialing), 23 h later ->
 *   incomplete_expired.
 * - trialing -> active when the trial converts, past_due when its first charge fails, canceled.
 * - active -> past_due when a renewal fails, canceled (now or at period end).
 * - past_due -> active when a retry succeeds; unpaid or canceled when retries are exhausted
 *   (BILLING_RETRIES_EXHAUSTED), canceled by the user.
 * - unpaid -> active once its open invoice is paid, canceled.
 * incomplete_expired and canceled are final.
 */
export const SUBSCRIPTION_TRANSITIONS: Readonly<Record<SubscriptionStatus, readonly SubscriptionStatus[]>> = {
  incomplete: ['active', 'trialing', 'incomplete_expired'],
  incomplete_expired: [],
  trialing: ['active', 'past_due', 'canceled'],
  active: ['past_due', 'canceled'],
  past_due: ['active', 'unpaid', 'canceled'],
  unpaid: ['active', 'canceled'],
  canceled: [],
};

export function canTransitionSubscription(from: SubscriptionStatus, to: SubscriptionStatus): boolean {
  return SUBSCRIPTION_TRANSITIONS[from].includes(to);
}

/** Returns `to` when allowed; throws InvalidTransitionError (409) otherwise. */
export function transitionSubscription(from: SubscriptionStatus, to: SubscriptionStatus): SubscriptionStatus {
  if (!canTransitionSubscription(from, to)) throw new InvalidTransitionError('subscription', from, to);
  return to;
}

/** States in which the subscription gives its plan's benefits (quota) and renews. */
export function isLive(status: SubscriptionStatus): boolean {
  return status === 'trialing' || status === 'active' || status === 'past_due';
}
