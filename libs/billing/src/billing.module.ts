import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AuditingModule } from '@app/auditing';
import { SearchQuota } from '@app/common';
import { JobsModule } from '@app/jobs';
import { NotificationsModule } from '@app/notifications';
import { UsersModule } from '@app/users';
import { BillingClock, SystemBillingClock } from './billing.clock';
import { BILLING_CONFIG, type BillingConfig } from './billing.config';
import { BillingController } from './billing.controller';
import { BillingJobs } from './billing.jobs';
import { BILLING_MODELS } from './billing.models';
import { BillingRepository } from './billing.repository';
import { BillingService } from './billing.service';
import { IdempotencyKeysRepository } from './idempotency/idempotency-keys.repository';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { InvoicePdfRenderer } from './invoice-pdf.renderer';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { PaymentProvider } from './providers/payment-provider';
import { SandboxEvents } from './providers/sandbox-events';
import { SandboxPaymentProvider } from './providers/sandbox.provider';
import { StripePaymentProvider } from './providers/stripe.provider';
import { AdminBillingController } from './admin-billing.controller';
import { SubscriptionRenewalsService } from './subscription-renewals.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';
import { SearchUsageRepository } from './usage/search-usage.repository';
import { UsageService } from './usage/usage.service';
import { WebhookEventsRepository } from './webhooks/webhook-events.repository';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * Billing: plans, subscriptions, payments through a provider port, invoices with their
 * numbering and PDFs, Idempotency-Keys, the /v1/billing routes and billing's jobs. Its config
 * slice is BILLING_CONFIG.
 */
@Module({
  imports: [SequelizeModule.forFeature(BILLING_MODELS), AuditingModule, JobsModule, NotificationsModule, UsersModule],
  controllers: [BillingController, SubscriptionsController, WebhooksController, AdminBillingController],
  providers: [
    { provide: BillingClock, useClass: SystemBillingClock },
    SandboxEvents,
    {
      // stripe when STRIPE_SECRET_KEY is set, the offline sandbox otherwise.
      provide: PaymentProvider,
      inject: [BILLING_CONFIG.token, SandboxEvents],
      useFactory: (config: BillingConfig, events: SandboxEvents): PaymentProvider =>
        config.provider.stripe ? new StripePaymentProvider({ secretKey: config.provider.stripe.secretKey, api: config.provider.stripe.api }) : new SandboxPaymentProvider(events),
    },
    BillingRepository,
    BillingService,
    InvoicePdfRenderer,
    SubscriptionsRepository,
    SubscriptionsService,
    PaymentsRepository,
    PaymentsService,
    IdempotencyKeysRepository,
    IdempotencyInterceptor,
    SubscriptionRenewalsService,
    SearchUsageRepository,
    UsageService,
    // The port trademarks' search calls (handed to it by the composition root).
    { provide: SearchQuota, useExisting: UsageService },
    WebhookEventsRepository,
    WebhooksService,
    BillingJobs,
  ],
  exports: [BillingService, SubscriptionsService, PaymentsService, WebhooksService, SubscriptionRenewalsService, UsageService, SearchQuota, BillingClock],
})
export class BillingModule {}
