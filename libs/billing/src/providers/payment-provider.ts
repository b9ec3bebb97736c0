import { AppError } from '@app/common';

export const PROVIDER_NAMES = ['sandbox', 'stripe'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ChargeRequest {
  /** Minor units, > 0. */
  amount: bigint;
  currency: string;
  /** What to charge: a sandbox token, a Stripe PaymentMethod or token id. */
  paymentMethod: string;
  /**
   * Sent with the call: the provider answers a repeated key with the first charge, so a request
   * retried after a crash or a timeout never charges twice.
   */
  idempotencyKey: string;
  description: string;
  /** Our ids, echoed back in the provider's events (payment_id, invoice_id). */
  metadata: Record<string, string>;
}

/**
 * A charge the provider took (succeeded), refused (failed: a decline, not an outage), or is
 * still processing (pending: its webhook event settles it).
 */
export type ChargeResult =
  | { outcome: 'succeeded'; reference: string }
  | { outcome: 'pending'; reference: string }
  | { outcome: 'failed'; reference: string | null; failureCode: string; failureMessage: string };

export interface RefundRequest {
  /** The charge's provider reference. */
  reference: string;
  amount: bigint;
  currency: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export interface RefundResult {
  reference: string;
}

/**
 * The payment provider port. Adapters: `sandbox` (offline, the default) and `stripe` (when
 * STRIPE_SECRET_KEY is set). An adapter throws ProviderUnavailableError when it cannot get an
 * answer (network, 5xx): the payment then stays pending and is settled later (by the provider's
 * webhook or the reconciliation job, which repeats the call with the same idempotency key).
 */
export abstract class PaymentProvider {
  abstract readonly name: ProviderName;
  abstract charge(request: ChargeRequest): Promise<ChargeResult>;
  abstract refund(request: RefundRequest): Promise<RefundResult>;
}

/** The provider could not be reached or did not answer usefully: 502 problem+json. */
export class ProviderUnavailableError extends AppError {
  constructor(provider: string, cause?: unknown) {
    super('payment-provider-unavailable', 502, 'Bad Gateway', {
      detail: `The payment provider (${provider}) did not answer; nothing was charged twice: retry with the same Idempotency-Key`,
      extensions: { provider },
      cause,
    });
  }
}

/** The provider refused a refund (e.g. the charge is not refundable). */
export class RefundRefusedError extends AppError {
  constructor(provider: string, reason: string) {
    super('refund-refused', 409, 'Conflict', { detail: `The payment provider (${provider}) refused the refund: ${reason}`, extensions: { provider } });
  }
}
