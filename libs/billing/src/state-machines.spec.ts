import { AppError } from '@app/common';
import { canTransitionInvoice, INVOICE_STATUSES, transitionInvoice, type InvoiceStatus } from './invoice-state';
import { canTransitionPayment, PAYMENT_STATUSES, refundedStatus, transitionPayment, type PaymentStatus } from './payment-state';
import { canTransitionSubscription, isLive, SUBSCRIPTION_STATUSES, transitionSubscription, type SubscriptionStatus } from './subscription-state';

const SUBSCRIPTION_ALLOWED = new Set([
  'incomplete>active',
  'incomplete>trialing',
  'incomplete>incomplete_expired',
  'trialing>active',
  'trialing>past_due',
  'trialing>canceled',
  'active>past_due',
  'active>canceled',
  'past_due>active',
  'past_due>unpaid',
  'past_due>canceled',
  'unpaid>active',
  'unpaid>canceled',
]);

const INVOICE_ALLOWED = new Set(['draft>open', 'open>paid', 'open>void', 'open>uncollectible', 'uncollectible>paid', 'uncollectible>void']);

const pairs = <T extends string>(states: readonly T[]) => states.flatMap((from) => states.map((to) => [from, to] as [T, T]));

describe('subscription state machine', () => {
  it.each(pairs(SUBSCRIPTION_STATUSES))('%s -> %s', (from: SubscriptionStatus, to: SubscriptionStatus) => {
    const allowed = SUBSCRIPTION_ALLOWED.has(`${from}>${to}`);
    expect(canTransitionSubscription(from, to)).toBe(allowed);
    if (allowed) {
      expect(transitionSubscription(from, to)).toBe(to);
    } else {
      let thrown: unknown;
      try {
        transitionSubscription(from, to);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect((thrown as AppError).status).toBe(409);
      expect((thrown as AppError).code).toBe('invalid-state-transition');
      expect((thrown as AppError).extensions).toEqual({ entity: 'subscription', from, to });
    }
  });

  it('treats canceled and incomplete_expired as final', () => {
    for (const to of SUBSCRIPTION_STATUSES) {
      expect(canTransitionSubscription('canceled', to)).toBe(false);
      expect(canTransitionSubscription('incomplete_expired', to)).toBe(false);
    }
  });

  it('gives the plan only to trialing, active and past_due subscriptions', () => {
    expect(SUBSCRIPTION_STATUSES.filter(isLive)).toEqual(['trialing', 'active', 'past_due']);
  });
});

describe('invoice state machine', () => {
  it.each(pairs(INVOICE_STATUSES))('%s -> %s', (from: InvoiceStatus, to: InvoiceStatus) => {
    const allowed = INVOICE_ALLOWED.has(`${from}>${to}`);
    expect(canTransitionInvoice(from, to)).toBe(allowed);
    if (allowed) expect(transitionInvoice(from, to)).toBe(to);
    else expect(() => transitionInvoice(from, to)).toThrow(expect.objectContaining({ status: 409, code: 'invalid-state-transition' }));
  });
});

const PAYMENT_ALLOWED = new Set([
  'pending>succeeded',
  'pending>failed',
  'succeeded>partially_refunded',
  'succeeded>refunded',
  'partially_refunded>partially_refunded',
  'partially_refunded>refunded',
]);

describe('payment state machine', () => {
  it.each(pairs(PAYMENT_STATUSES))('%s -> %s', (from: PaymentStatus, to: PaymentStatus) => {
    const allowed = PAYMENT_ALLOWED.has(`${from}>${to}`);
    expect(canTransitionPayment(from, to)).toBe(allowed);
    if (allowed) expect(transitionPayment(from, to)).toBe(to);
    else expect(() => transitionPayment(from, to)).toThrow(expect.objectContaining({ status: 409, code: 'invalid-state-transition', extensions: { entity: 'payment', from, to } }));
  });

  it('calls a refund partial until the whole amount is back', () => {
    expect(refundedStatus(2090n, 1n)).toBe('partially_refunded');
    expect(refundedStatus(2090n, 2089n)).toBe('partially_refunded');
    expect(refundedStatus(2090n, 2090n)).toBe('refunded');
  });
});
