import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { BillingClock, SystemBillingClock } from './billing.clock';
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
import { SandboxPaymentProvider } from './providers/sandbox.provider';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Billing: plans, subscriptions, payments through a provider port, invoices with their
 * numbering and PDFs, Idempotency-Keys, the /v1/billing routes and billing's jobs. Its config
 * slice is BILLING_CONFIG.
 */
@Module({
  imports: [SequelizeModule.forFeature(BILLING_MODELS)],
  controllers: [BillingController, SubscriptionsController],
  providers: [
    { provide: BillingClock, useClass: SystemBillingClock },
    { provide: PaymentProvider, useClass: SandboxPaymentProvider },
    BillingRepository,
    BillingService,
    InvoicePdfRenderer,
    SubscriptionsRepository,
    SubscriptionsService,
    PaymentsRepository,
    PaymentsService,
    IdempotencyKeysRepository,
    IdempotencyInterceptor,
    BillingJobs,
  ],
  exports: [BillingService, SubscriptionsService, PaymentsService, BillingClock],
})
export class BillingModule {}
