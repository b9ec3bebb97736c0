import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AuditingModule } from '@app/auditing';
import { UsersModule } from '@app/users';
import { BillingClock, SystemBillingClock } from './billing.clock';
import { BillingController } from './billing.controller';
import { BILLING_MODELS } from './billing.models';
import { BillingRepository } from './billing.repository';
import { BillingService } from './billing.service';
import { InvoicePdfRenderer } from './invoice-pdf.renderer';

/** Billing: plans, invoices and their numbering and PDFs, the /v1/billing routes. Its config slice is BILLING_CONFIG. */
@Module({
  imports: [SequelizeModule.forFeature(BILLING_MODELS), AuditingModule, UsersModule],
  controllers: [BillingController],
  providers: [{ provide: BillingClock, useClass: SystemBillingClock }, BillingRepository, BillingService, InvoicePdfRenderer],
  exports: [BillingService, BillingClock],
})
export class BillingModule {}
