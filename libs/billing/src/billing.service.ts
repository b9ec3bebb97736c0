import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { InjectConfig } from '@app/config';
import { UsersService } from '@app/users';
import { NotFoundError, type Page, ValidationFailedError } from '@app/common';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { BillingClock } from './billing.clock';
import { BILLING_CONFIG, type BillingConfig } from './billing.config';
import { BillingRepository } from './billing.repository';
import type { InvoiceLineRecord, InvoiceRecord, PlanChanges, PlanRecord } from './billing.types';
import { transitionInvoice } from './invoice-state';
import { formatInvoiceNumber } from './invoice-number.util';
import { InvoicePdfRenderer } from './invoice-pdf.renderer';
import { sum, taxOf, money } from './money.util';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Plans and invoices: drafting, finalization (gapless numbering) and the user's invoice reads. */
@Injectable()
export class BillingService {
  constructor(
    private readonly repository: BillingRepository,
    private readonly audit: AuditService,
    private readonly clock: BillingClock,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly users: UsersService,
    private readonly pdf: InvoicePdfRenderer,
    private readonly transactions: TransactionRunner,
  ) {}

  listPlans(): Promise<PlanRecord[]> {
    return this.repository.listPlans();
  }

  /** Every plan, retired ones too (admins). */
  listAllPlans(): Promise<PlanRecord[]> {
    return this.repository.listAllPlans();
  }

  /**
   * An admin's change of a plan: name, search quota, trial days (paid plans only), retired or
   * not. Subscribers keep their plan's code, so a new quota applies to them at once and new
   * trial days to new subscriptions. Audited in the same transaction; 404 for an unknown plan.
   */
  async updatePlan(actorId: string, code: string, changes: PlanChanges): Promise<PlanRecord> {
    return this.transactions.run(async (transaction) => {
      const plan = await this.repository.lockPlan(code, transaction);
      if (!plan) throw new NotFoundError('No plan has this code');
      if (changes.trialDays && plan.price.amount === 0n) throw new ValidationFailedError([{ field: 'trialDays', message: 'must be 0 on a free plan (nothing to try)' }]);
      const updated = await this.repository.updatePlan(code, changes, transaction);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const field of Object.keys(changes) as Array<keyof PlanChanges>) {
        before[field] = plan[field];
        after[field] = updated[field];
      }
      await this.audit.record({ action: 'billing.plan.update', actorId, entityType: 'plan', entityId: code, before, after }, { transaction });
      return updated;
    });
  }

  /** A plan by code (active or retired), or null. */
  async findPlan(code: string): Promise<PlanRecord | null> {
    return this.repository.findPlan(code);
  }

  /**
   * Writes a draft invoice with its lines; subtotal, tax (BILLING_TAX_RATE_BPS) and total are
   * computed here in integers. Audited in the same transaction.
   */
  async createDraft(
    input: { userId: string; subscriptionId: string | null; planCode?: string | null; currency: string; billingReason: string; periodStart: Date | null; periodEnd: Date | null; lines: InvoiceLineRecord[] },
    transaction: DbTransaction,
  ): Promise<InvoiceRecord> {
    const subtotal = sum(input.currency, input.lines.map((line) => money(line.amount, input.currency)));
    // No tax on a net credit: a negative subtotal is carried as is.
    const tax = subtotal.amount > 0n ? taxOf(subtotal, this.config.taxRateBps) : money(0n, input.currency);
    const invoice = await this.repository.insertDraft(
      { ...input, planCode: input.planCode ?? null, subtotal: subtotal.amount, taxRateBps: this.config.taxRateBps, tax: tax.amount, total: subtotal.amount + tax.amount },
      transaction,
    );
    await this.audit.record(
      { action: 'billing.invoice.draft', actorId: input.userId, entityType: 'invoice', entityId: invoice.id, after: { status: 'draft', total: invoice.total.toString() } },
      { transaction },
    );
    return invoice;
  }

  /**
   * draft -> open: takes the next `INV-YYYY-NNNNNN` of the current year inside `transaction`
   * (the counter row stays locked until it ends; a rollback gives the number back) and sets the
   * due date. 409 when the invoice is not a draft.
   */
  async finalize(invoiceId: string, transaction: DbTransaction): Promise<InvoiceRecord> {
    const invoice = await this.repository.lockInvoice(invoiceId, transaction);
    if (!invoice) throw new NotFoundError('No invoice has this id');
    const status = transitionInvoice(invoice.status, 'open');
    const now = this.clock.now();
    const year = now.getUTCFullYear();
    const number = formatInvoiceNumber(year, await this.repository.takeInvoiceNumber(year, transaction));
    const dueAt = new Date(now.getTime() + this.config.invoiceDueDays * DAY_MS);
    await this.repository.markFinalized(invoiceId, { number, status, finalizedAt: now, dueAt }, transaction);
    await this.audit.record(
      { action: 'billing.invoice.finalize', entityType: 'invoice', entityId: invoiceId, before: { status: invoice.status }, after: { status, number } },
      { transaction },
    );
    return { ...invoice, number, status, finalizedAt: now, dueAt };
  }

  /**
   * Moves an open (or uncollectible) invoice to paid, void or uncollectible inside `transaction`
   * (the caller holds its lock). Paid records the amount paid and when. Audited in the same
   * transaction; 409 for a move the invoice state machine refuses.
   */
  async settleInvoice(invoice: InvoiceRecord, to: 'paid' | 'void' | 'uncollectible', transaction: DbTransaction): Promise<InvoiceRecord> {
    const status = transitionInvoice(invoice.status, to);
    const now = this.clock.now();
    const paid = to === 'paid' ? { amountPaid: invoice.total, paidAt: now } : {};
    await this.repository.updateInvoiceStatus(invoice.id, { status, ...paid }, transaction);
    await this.audit.record(
      { action: `billing.invoice.${to === 'paid' ? 'pay' : to === 'void' ? 'void' : 'mark-uncollectible'}`, entityType: 'invoice', entityId: invoice.id, before: { status: invoice.status }, after: { status } },
      { transaction },
    );
    return { ...invoice, status, ...paid };
  }

  /** The invoice, row-locked until `transaction` ends; 404 when there is none. */
  async lockInvoice(invoiceId: string, transaction: DbTransaction): Promise<InvoiceRecord> {
    const invoice = await this.repository.lockInvoice(invoiceId, transaction);
    if (!invoice) throw new NotFoundError('No invoice has this id');
    return invoice;
  }

  findSubscriptionInvoice(subscriptionId: string, billingReason: string, periodStart: Date, transaction: DbTransaction): Promise<InvoiceRecord | null> {
    return this.repository.findSubscriptionInvoice(subscriptionId, billingReason, periodStart, transaction);
  }

  findUnpaidSubscriptionInvoice(subscriptionId: string, transaction: DbTransaction): Promise<InvoiceRecord | null> {
    return this.repository.findUnpaidSubscriptionInvoice(subscriptionId, transaction);
  }

  /** The user's invoices, newest first. */
  listInvoices(userId: string, limit: number | undefined, cursor: string | undefined): Promise<Page<InvoiceRecord>> {
    return this.repository.listInvoicesForUser(userId, limit ?? 20, cursor);
  }

  /** One of the user's invoices; 404 for anyone else's (or a draft). */
  async getInvoice(userId: string, id: string): Promise<InvoiceRecord> {
    const invoice = await this.repository.findInvoiceForUser(userId, id);
    if (!invoice || invoice.status === 'draft') throw new NotFoundError('No invoice of yours has this id');
    return invoice;
  }

  /** One of the user's invoices as a PDF, with the seller (BILLING_SELLER_*) and the user as buyer; 404 like getInvoice. */
  async invoicePdf(userId: string, id: string): Promise<{ number: string; pdf: Buffer }> {
    const invoice = await this.getInvoice(userId, id);
    const buyer = await this.users.profile(userId);
    const pdf = await this.pdf.render(invoice, this.config.seller, { name: buyer.name ?? buyer.email, lines: buyer.name ? [buyer.email] : [] });
    return { number: invoice.number ?? invoice.id, pdf };
  }
}
