import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { type ChargeRequest, type ChargeResult, PaymentProvider, type RefundRequest, type RefundResult } from './payment-provider';
import { SandboxEvents } from './sandbox-events';

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
 * refuses a second row for it) and the same events. After each answer it emits the event a
 * provider would (`payment_intent.succeeded` / `payment_intent.payment_failed`,
 * `charge.refunded`) through SandboxEvents, i.e. through the signed webhook path.
 */
@Injectable()
export class SandboxPaymentProvider extends PaymentProvider {
  readonly name = 'sandbox' as const;
  /**
   * Refunded total per charge as this process saw it, for the cumulative `amount_refunded` of
   * charge.refunded events (a restarted sandbox reports less; the receiver never lowers a total).
   */
  private readonly refundedByCharge = new Map<string, bigint>();
  private readonly refundsSeen = new Set<string>();

  constructor(private readonly events: SandboxEvents) {
    super();
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const behaviour = SANDBOX_TOKENS[request.paymentMethod] ?? {
      outcome: 'failed' as const,
      failureCode: 'invalid_payment_method',
      failureMessage: 'The sandbox does not know this payment token.',
    };
    const ref = reference('sb_ch', request.idempotencyKey);
    const intent = { id: ref, object: 'payment_intent', amount: Number(request.amount), currency: request.currency.toLowerCase(), metadata: request.metadata };
    if (behaviour.outcome === 'succeeded') {
      this.events.emit('payment_intent.succeeded', { ...intent, status: 'succeeded' }, request.idempotencyKey);
      return { outcome: 'succeeded', reference: ref };
    }
    const error = { code: behaviour.failureCode === 'insufficient_funds' ? 'card_declined' : behaviour.failureCode, decline_code: behaviour.failureCode, message: behaviour.failureMessage };
    this.events.emit('payment_intent.payment_failed', { ...intent, status: 'requires_payment_method', last_payment_error: error }, request.idempotencyKey);
    return { outcome: 'failed', reference: ref, failureCode: behaviour.failureCode, failureMessage: behaviour.failureMessage };
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const ref = reference('sb_re', request.idempotencyKey);
    const before = this.refundedByCharge.get(request.reference) ?? 0n;
    // A repeated key is the same refund: counted once.
    const total = this.refundsSeen.has(ref) ? before : before + request.amount;
    this.refundsSeen.add(ref);
    this.refundedByCharge.set(request.reference, total);
    this.events.emit(
      'charge.refunded',
      { id: request.reference, object: 'charge', payment_intent: request.reference, amount_refunded: Number(total), currency: request.currency.toLowerCase(), metadata: request.metadata },
      request.idempotencyKey,
    );
    return { reference: ref };
  }
}
