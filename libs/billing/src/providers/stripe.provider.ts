import type Stripe from 'stripe';
import { stripePackage } from './stripe-package';
import { type ChargeRequest, type ChargeResult, PaymentProvider, ProviderUnavailableError, type RefundRequest, type RefundResult, RefundRefusedError } from './payment-provider';
import type { StripeApiOrigin } from '../billing.config';
import { toJsonAmount } from '../money.util';

export interface StripeProviderOptions {
  secretKey: string;
  /** Another API origin (stripe-mock, a test fake); api.stripe.com otherwise. */
  api: StripeApiOrigin | null;
  /** Per-request timeout; refunds run inside a transaction, so it stays under idle_in_transaction_session_timeout. */
  timeoutMs?: number;
}

/**
 * The stripe adapter, through the official package: a charge is a PaymentIntent created and
 * confirmed at once (a `tok_...` becomes card payment_method_data, a `pm_...` is used as is),
 * a refund a Refund of that PaymentIntent. Every call carries our idempotency key, so the
 * package's own network retries and ours are the same request to Stripe. Declines come back as
 * failed results (the decline code as failureCode); no answer (network, 5xx, 429) is
 * ProviderUnavailableError and the payment stays pending.
 */
export class StripePaymentProvider extends PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(options: StripeProviderOptions) {
    super();
    const StripeClient = stripePackage();
    this.stripe = new StripeClient(options.secretKey, {
      maxNetworkRetries: 2,
      timeout: options.timeoutMs ?? 8_000,
      appInfo: { name: 'clearmark' },
      ...(options.api ? { host: options.api.host, port: options.api.port, protocol: options.api.protocol } : {}),
    });
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    try {
      const paymentMethod = await this.paymentMethod(request.paymentMethod, request.idempotencyKey);
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: toJsonAmount(request.amount),
          currency: request.currency.toLowerCase(),
          confirm: true,
          description: request.description,
          metadata: request.metadata,
          payment_method: paymentMethod,
          // Server-side confirmation: no payment method that would redirect the customer.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (intent.status === 'succeeded') return { outcome: 'succeeded', reference: intent.id };
      if (intent.status === 'processing') return { outcome: 'pending', reference: intent.id };
      const error = intent.last_payment_error;
      return {
        outcome: 'failed',
        reference: intent.id,
        failureCode: error?.decline_code ?? error?.code ?? intent.status,
        failureMessage: error?.message ?? `The payment needs action the API cannot take (${intent.status})`,
      };
    } catch (error) {
      if (error instanceof stripePackage().errors.StripeCardError) {
        return { outcome: 'failed', reference: error.payment_intent?.id ?? null, failureCode: error.decline_code ?? error.code ?? 'card_declined', failureMessage: error.message };
      }
      if (error instanceof stripePackage().errors.StripeInvalidRequestError && error.code) {
        // A bad token or payment method: the customer's to fix, like a decline.
        return { outcome: 'failed', reference: error.payment_intent?.id ?? null, failureCode: error.code, failureMessage: error.message };
      }
      throw this.unavailable(error);
    }
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: request.reference, amount: toJsonAmount(request.amount), metadata: request.metadata },
        // Inside the refund's transaction: one attempt, no package retries.
        { idempotencyKey: request.idempotencyKey, maxNetworkRetries: 0 },
      );
      return { reference: refund.id };
    } catch (error) {
      if (error instanceof stripePackage().errors.StripeInvalidRequestError) throw new RefundRefusedError('stripe', error.message);
      throw this.unavailable(error);
    }
  }

  /** A `pm_...` as is; a token (`tok_...`) becomes a card PaymentMethod first (its own key, derived from the charge's). */
  private async paymentMethod(value: string, idempotencyKey: string): Promise<string> {
    if (value.startsWith('pm_')) return value;
    const created = await this.stripe.paymentMethods.create({ type: 'card', card: { token: value } }, { idempotencyKey: `${idempotencyKey}:payment-method` });
    return created.id;
  }

  private unavailable(error: unknown): Error {
    if (
      error instanceof stripePackage().errors.StripeConnectionError ||
      error instanceof stripePackage().errors.StripeAPIError ||
      error instanceof stripePackage().errors.StripeRateLimitError ||
      error instanceof stripePackage().errors.StripeIdempotencyError ||
      (error instanceof stripePackage().errors.StripeError && (error.statusCode ?? 0) >= 500)
    ) {
      return new ProviderUnavailableError('stripe', error);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
