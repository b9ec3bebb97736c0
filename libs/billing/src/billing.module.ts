import { DynamicModule, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { BillingClock, SystemBillingClock } from './billing.clock';
import { BILLING_CONFIG, loadBillingConfig } from './billing.config';
import { BillingController } from './billing.controller';
import { BillingRepository } from './billing.repository';
import { BillingService } from './billing.service';
import { InvoicePdfRenderer } from './invoice-pdf.renderer';
import { Invoice } from './models/invoice.model';
import { InvoiceLine } from './models/invoice-line.model';
import { InvoiceNumberCounter } from './models/invoice-number-counter.model';
import { Plan } from './models/plan.model';

/** Every model the billing lib owns (registered here with forFeature, and in the composition root's list). */
export const BILLING_MODELS = [Plan, Invoice, InvoiceLine, InvoiceNumberCounter];

export interface BillingModuleOptions {
  /** The environment to read the billing variables from; process.env by default (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/** Billing: plans, invoices and their numbering, the /v1/billing routes. */
@Module({})
export class BillingModule {
  static forRoot(options: BillingModuleOptions = {}): DynamicModule {
    // Validated here, at boot: a bad BILLING_* variable stops the process with its name.
    const config = loadBillingConfig(options.env ?? process.env);
    return {
      module: BillingModule,
      imports: [SequelizeModule.forFeature(BILLING_MODELS)],
      controllers: [BillingController],
      providers: [{ provide: BILLING_CONFIG, useValue: config }, { provide: BillingClock, useClass: SystemBillingClock }, BillingRepository, BillingService, InvoicePdfRenderer],
      exports: [BillingService, BillingClock],
    };
  }
}
