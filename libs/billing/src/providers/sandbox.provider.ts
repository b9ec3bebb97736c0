import { createHash } from 'node:crypto';
import { type ChargeRequest, type ChargeResult, PaymentProvider, type RefundRequest, type RefundResult } from './payment-provider';

/** The sandbox's test payment methods and what they do (API.md, "Sandbox payment tokens"). */
export const SANDBOX_TOKENS: Readonly<Record<string, { outcome: 'succeeded' } | { outcome: 'failed'; failureCode: string; failureMessage: string }>> = {
  tok_visa: { outcome: 'succeeded' },
  tok_chargeDeclined: { outcome: 'failed', failureCode: 'card_declined', failureMessage: 'Your card was declined.' },
  tok_insufficientFunds: { outcome: 'failed', failureCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.' },
};

/** A reference derived from the idempotency key: the same key is the same charge, as at a real provider. */
function reference(prefix: string, key: string): string {
  return `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * The offline provider: answers from the token alone, never leaves the process. A repeated
 * idempotency key gets the same charge reference (so the payments table's unique reference
 * refuses a second row for it). Events about its charges reach the webhook path through
 * SandboxEvents (see webhooks).
 */
export class SandboxPaymentProvider extends PaymentProvider {
  readonly name = 'sandbox' as const;

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const behaviour = SANDBOX_TOKENS[request.paymentMethod];
    const ref = reference('sb_ch', request.idempotencyKey);
    if (!behaviour) return { outcome: 'failed', reference: ref, failureCode: 'invalid_payment_method', failureMessage: 'The sandbox does not know this payment token.' };
    if (behaviour.outcome === 'succeeded') return { outcome: 'succeeded', reference: ref };
    return { outcome: 'failed', reference: ref, failureCode: behaviour.failureCode, failureMessage: behaviour.failureMessage };
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    return { reference: reference('sb_re', request.idempotencyKey) };
  }
}
