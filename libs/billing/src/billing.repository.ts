import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import type { DbTransaction } from '@app/database';
import { decodeCursor, encodeCursor, KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type Page } from '@app/common';
import type { InvoiceRecord, NewInvoice, PlanChanges, PlanRecord } from './billing.types';
import type { InvoiceStatus } from './invoice-state';
import { Invoice } from './models/invoice.model';
import { InvoiceLine } from './models/invoice-line.model';
import { Plan } from './models/plan.model';

function toPlan(row: Plan): PlanRecord {
  return {
    code: row.code,
    name: row.name,
    price: { amount: BigInt(row.priceAmount), currency: row.currency },
    interval: 'month',
    searchQuota: row.searchQuota,
    trialDays: row.trialDays,
    active: row.active,
  };
}

function toInvoice(row: Invoice, lines: InvoiceLine[]): InvoiceRecord {
  return {
    id: row.id,
    userId: row.userId,
    subscriptionId: row.subscriptionId,
    planCode: row.planCode,
    number: row.number,
    status: row.status,
    currency: row.currency,
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        description: l.description,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
        quantity: l.quantity,
        unitAmount: BigInt(l.unitAmount),
        amount: BigInt(l.amount),
      })),
    subtotal: BigInt(row.subtotal),
    taxRateBps: row.taxRateBps,
    tax: BigInt(row.tax),
    total: BigInt(row.total),
    amountPaid: BigInt(row.amountPaid),
    billingReason: row.billingReason,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    dueAt: row.dueAt,
    finalizedAt: row.finalizedAt,
    paidAt: row.paidAt,
    createdAt: row.createdAt,
  };
}

/** Plans, invoices and invoice numbers: queries only; the rules are BillingService's. */
@Injectable()
export class BillingRepository {
  constructor(
    @InjectModel(Plan) private readonly plans: typeof Plan,
    @InjectModel(Invoice) private readonly invoices: typeof Invoice,
    @InjectModel(InvoiceLine) private readonly lines: typeof InvoiceLine,
    @InjectConnection() private readonly sequelize: Sequelize,
  ) {}

  async listPlans(): Promise<PlanRecord[]> {
    const rows = await this.plans.findAll({ where: { active: true }, order: [['priceAmount', 'ASC']] });
    return rows.map(toPlan);
  }

  async findPlan(code: string): Promise<PlanRecord | null> {
    const row = await this.plans.findByPk(code);
    return row ? toPlan(row) : null;
  }

  /** Every plan, retired ones too (admins), cheapest first. */
  async listAllPlans(): Promise<PlanRecord[]> {
    const rows = await this.plans.findAll({ order: [['priceAmount', 'ASC'], ['code', 'ASC']] });
    return rows.map(toPlan);
  }

  /** The plan, row-locked until the transaction ends. */
  async lockPlan(code: string, transaction: DbTransaction): Promise<PlanRecord | null> {
    const row = await this.plans.findByPk(code, { transaction, lock: transaction.LOCK.UPDATE });
    return row ? toPlan(row) : null;
  }

  async updatePlan(code: string, changes: PlanChanges, transaction: DbTransaction): Promise<PlanRecord> {
    const [, rows] = await this.plans.update({ ...changes }, { where: { code }, transaction, returning: true });
    return toPlan(rows[0]);
  }

  async insertDraft(draft: NewInvoice, transaction: DbTransaction): Promise<InvoiceRecord> {
    const row = await this.invoices.create(
      {
        userId: draft.userId,
        subscriptionId: draft.subscriptionId,
        planCode: draft.planCode,
        status: 'draft',
        currency: draft.currency,
        subtotal: draft.subtotal.toString(),
        taxRateBps: draft.taxRateBps,
        tax: draft.tax.toString(),
        total: draft.total.toString(),
        billingReason: draft.billingReason,
        periodStart: draft.periodStart,
        periodEnd: draft.periodEnd,
      },
      { transaction },
    );
    const lines = await this.lines.bulkCreate(
      draft.lines.map((line, position) => ({
        invoiceId: row.id,
        position,
        description: line.description,
        periodStart: line.periodStart,
        periodEnd: line.periodEnd,
        quantity: line.quantity,
        unitAmount: line.unitAmount.toString(),
        amount: line.amount.toString(),
      })),
      { transaction },
    );
    return toInvoice(row, lines);
  }

  /** The invoice, row-locked until the transaction ends. */
  async lockInvoice(id: string, transaction: DbTransaction): Promise<InvoiceRecord | null> {
    const row = await this.invoices.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!row) return null;
    return toInvoice(row, await this.lines.findAll({ where: { invoiceId: id }, transaction }));
  }

  /**
   * The next number of `year`: increments the year's counter row and keeps it locked until the
   * transaction ends, so concurrent finalizations queue on it and a rolled-back one gives its
   * number back (no gaps).
   */
  async takeInvoiceNumber(year: number, transaction: DbTransaction): Promise<number> {
    const [row] = await this.sequelize.query<{ last_number: number }>(
      `INSERT INTO invoice_number_counters (year, last_number) VALUES (:year, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = invoice_number_counters.last_number + 1
       RETURNING last_number`,
      { replacements: { year }, type: QueryTypes.SELECT, transaction },
    );
    return row.last_number;
  }

  async markFinalized(id: string, changes: { number: string; status: InvoiceStatus; finalizedAt: Date; dueAt: Date }, transaction: DbTransaction): Promise<void> {
    await this.invoices.update(changes, { where: { id }, transaction });
  }

  /** Sets the invoice's payment state (paid, void, uncollectible) as the service decided it. */
  async updateInvoiceStatus(id: string, changes: { status: InvoiceStatus; amountPaid?: bigint; paidAt?: Date | null }, transaction: DbTransaction): Promise<void> {
    await this.invoices.update(
      { status: changes.status, ...(changes.amountPaid === undefined ? {} : { amountPaid: changes.amountPaid.toString() }), ...(changes.paidAt === undefined ? {} : { paidAt: changes.paidAt }) },
      { where: { id }, transaction },
    );
  }

  /** The subscription's invoice for a period and reason (at most one: invoices_subscription_period_idx). */
  async findSubscriptionInvoice(subscriptionId: string, billingReason: string, periodStart: Date, transaction: DbTransaction): Promise<InvoiceRecord | null> {
    const row = await this.invoices.findOne({ where: { subscriptionId, billingReason, periodStart }, transaction });
    if (!row) return null;
    return toInvoice(row, await this.lines.findAll({ where: { invoiceId: row.id }, transaction }));
  }

  /** The subscription's newest open (or uncollectible) invoice: what a retry or a new card pays. */
  async findUnpaidSubscriptionInvoice(subscriptionId: string, transaction: DbTransaction): Promise<InvoiceRecord | null> {
    const row = await this.invoices.findOne({ where: { subscriptionId, status: ['open', 'uncollectible'] }, order: [['createdAt', 'DESC']], transaction });
    if (!row) return null;
    return toInvoice(row, await this.lines.findAll({ where: { invoiceId: row.id }, transaction }));
  }

  async findInvoiceForUser(userId: string, id: string): Promise<InvoiceRecord | null> {
    const row = await this.invoices.findOne({ where: { id, userId } });
    if (!row) return null;
    return toInvoice(row, await this.lines.findAll({ where: { invoiceId: id } }));
  }

  /** The user's finalized invoices (drafts are internal), newest first (invoices_user_id_created_at_idx). */
  async listInvoicesForUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<InvoiceRecord>> {
    const after = decodeCursor(cursor);
    const rows = await this.sequelize.query<{ id: string; cursor_at: string }>(
      `SELECT id, ${KEYSET_CREATED_AT_SQL} AS cursor_at FROM invoices
        WHERE user_id = :userId AND status <> 'draft' ${after ? `AND ${KEYSET_AFTER_SQL}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT :limit`,
      { replacements: { userId, limit: limit + 1, afterCreatedAt: after?.createdAt, afterId: after?.id }, type: QueryTypes.SELECT },
    );
    const page = rows.slice(0, limit);
    const ids = page.map((r) => r.id);
    const [invoices, lines] = ids.length
      ? await Promise.all([this.invoices.findAll({ where: { id: ids } }), this.lines.findAll({ where: { invoiceId: ids } })])
      : [[], []];
    const byId = new Map(invoices.map((i) => [i.id, i]));
    const data = ids.map((id) => toInvoice(byId.get(id) as Invoice, lines.filter((l) => l.invoiceId === id)));
    const last = page[page.length - 1];
    return { data, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null };
  }
}
