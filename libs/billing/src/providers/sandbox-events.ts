import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InFlightWork, loggableError } from '@app/common';
import { InjectConfig } from '@app/config';
import { BILLING_CONFIG, type BillingConfig } from '../billing.config';
import { stripePackage } from './stripe-package';

/** Receives a signed event as the HTTP route would: the raw body and its Stripe-Signature header. */
export type WebhookReceiver = (rawBody: string, signatureHeader: string) => Promise<unknown>;

/**
 * How the sandbox emits its events: it signs them the way Stripe does (with
 * BILLING_SANDBOX_WEBHOOK_SECRET, through the stripe package) and hands them to the webhook
 * receiver, which verifies and processes them exactly as it does a request to
 * `POST /v1/billing/webhooks/sandbox`. Delivery is asynchronous (after the charge answered), as
 * a provider's is; shutdown waits for deliveries in flight.
 */
@Injectable()
export class SandboxEvents implements OnModuleDestroy {
  private readonly logger = new Logger(SandboxEvents.name);
  private readonly inFlight = new InFlightWork();
  private receiver: WebhookReceiver | null = null;

  constructor(@InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig) {}

  /** Called once by the webhook service at start. */
  deliverTo(receiver: WebhookReceiver): void {
    this.receiver = receiver;
  }

  /**
   * Emits `type` about `object`. The event id derives from `dedupeKey`, so a repeated provider
   * call (same idempotency key) emits the same event, which is then processed once.
   */
  emit(type: string, object: Record<string, unknown>, dedupeKey: string): void {
    const receiver = this.receiver;
    if (!receiver) return;
    const id = `evt_sb_${createHash('sha256').update(`${type}\n${dedupeKey}`).digest('hex').slice(0, 24)}`;
    const payload = JSON.stringify({ id, object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object } });
    const header = stripePackage().webhooks.generateTestHeaderString({ payload, secret: this.config.provider.sandboxWebhookSecret });
    void this.inFlight.track(
      new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => receiver(payload, header))
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn({ err: loggableError(error), eventId: id, type }, 'Sandbox webhook event could not be processed'),
        ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.inFlight.settled(10_000);
  }
}
