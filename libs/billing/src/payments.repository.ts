import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/sequelize';
import { Op, QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { decodeCursor, encodeCursor, KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type Page } from '@app/common';
import type { DbTransaction } from '@app/database';
import type { NewPayment, PaymentChanges, PaymentRecord } from './billing.types';
import { Payment } from './models/payment.model';

function toPayment(row: Payment): PaymentRecord {
  return {
    id: row.id,
    userId: row.userId,
    invoiceId: row.invoiceId,
    subscriptionId: row.subscriptionId,
    amount: BigInt(row.amount),
    amountRefunded: BigInt(row.amountRefunded),
    currency: row.currency,
    status: row.status,
    provider: row.provider,
    providerIdempotencyKey: row.providerIdempotencyKey,
    providerReference: row.providerReference,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    succeededAt: row.succeededAt,
    failedAt: row.failedAt,
    dispute:
      row.disputeReference && row.disputeStatus
        ? { reference: row.disputeReference, status: row.disputeStatus, amount: BigInt(row.disputeAmount ?? '0'), reason: row.disputeReason }
        : null,
    createdAt: row.createdAt,
  };
}

/** Payments: queries only; the rules are PaymentsService's and the payment state machine's. */
@Injectable()
export class PaymentsRepository {
  constructor(
    @InjectModel(Payment) private readonly payments: typeof Payment,
    @InjectConnection() private readonly sequelize: Sequelize,
  ) {}

  async insert(payment: NewPayment, transaction: DbTransaction): Promise<PaymentRecord> {
    const row = await this.payments.create({ ...payment, amount: payment.amount.toString(), status: 'pending' }, { transaction });
    return toPayment(row);
  }

  /** The payment, row-locked until the transaction ends. */
  async lock(id: string, transaction: DbTransaction): Promise<PaymentRecord | null> {
    const row = await this.payments.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    return row ? toPayment(row) : null;
  }

  async update(id: string, changes: PaymentChanges, transaction: DbTransaction): Promise<PaymentRecord> {
    const { dispute, amountRefunded, ...rest } = changes;
    const values: Record<string, unknown> = { ...rest };
    if (amountRefunded !== undefined) values.amountRefunded = amountRefunded.toString();
    if (dispute) Object.assign(values, { disputeReference: dispute.reference, disputeStatus: dispute.status, disputeAmount: dispute.amount.toString(), disputeReason: dispute.reason });
    const [, rows] = await this.payments.update(values, { where: { id }, transaction, returning: true });
    return toPayment(rows[0]);
  }

  async countForInvoice(invoiceId: string, transaction: DbTransaction): Promise<number> {
    return this.payments.count({ where: { invoiceId }, transaction });
  }

  async findById(id: string): Promise<PaymentRecord | null> {
    const row = await this.payments.findByPk(id);
    return row ? toPayment(row) : null;
  }

  async findByReference(provider: string, reference: string): Promise<PaymentRecord | null> {
    const row = await this.payments.findOne({ where: { provider, providerReference: reference } });
    return row ? toPayment(row) : null;
  }

  async findForUser(userId: string, id: string): Promise<PaymentRecord | null> {
    const row = await this.payments.findOne({ where: { id, userId } });
    return row ? toPayment(row) : null;
  }

  /** Payments still pending `olderThan` (the provider's answer never got recorded), oldest first. */
  async idsPendingBefore(olderThan: Date, limit: number): Promise<string[]> {
    const rows = await this.payments.findAll({ attributes: ['id'], where: { status: 'pending', createdAt: { [Op.lte]: olderThan } }, order: [['createdAt', 'ASC']], limit });
    return rows.map((r) => r.id);
  }

  /** The user's payments, newest first (payments_user_id_created_at_idx). */
  async listForUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<PaymentRecord>> {
    const after = decodeCursor(cursor);
    const keys = await this.sequelize.query<{ id: string; cursor_at: string }>(
      `SELECT id, ${KEYSET_CREATED_AT_SQL} AS cursor_at FROM payments
        WHERE user_id = :userId ${after ? `AND ${KEYSET_AFTER_SQL}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT :limit`,
      { replacements: { userId, limit: limit + 1, afterCreatedAt: after?.createdAt, afterId: after?.id }, type: QueryTypes.SELECT },
    );
    const page = keys.slice(0, limit);
    const rows = page.length ? await this.payments.findAll({ where: { id: page.map((k) => k.id) } }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const last = page[page.length - 1];
    return {
      data: page.map((k) => toPayment(byId.get(k.id) as Payment)),
      nextCursor: keys.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
    };
  }
}
