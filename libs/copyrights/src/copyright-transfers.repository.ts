import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { Op, UniqueConstraintError } from 'sequelize';
import type { KeysetPosition } from '@app/common';
import { findKeysetPage, type DbTransaction } from '@app/database';
import { CopyrightTransfer } from './models/copyright-transfer.model';

export type TransferStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';

export interface TransferRecord {
  id: string;
  copyrightId: string;
  fromUserId: string;
  toEmail: string;
  status: TransferStatus;
  expiresAt: Date;
  decidedAt: Date | null;
  createdAt: Date;
}

/** The work already has a pending transfer (unique partial index). */
export class TransferPendingError extends Error {}

function toRecord(t: CopyrightTransfer): TransferRecord {
  return {
    id: t.id,
    copyrightId: t.copyrightId,
    fromUserId: t.fromUserId,
    toEmail: t.toEmail,
    status: t.status as TransferStatus,
    expiresAt: t.expiresAt,
    decidedAt: t.decidedAt,
    createdAt: t.createdAt,
  };
}

@Injectable()
export class CopyrightTransfersRepository {
  constructor(@InjectModel(CopyrightTransfer) private readonly transfers: typeof CopyrightTransfer) {}

  async create(input: { copyrightId: string; fromUserId: string; toEmail: string; expiresAt: Date }, transaction: DbTransaction): Promise<TransferRecord> {
    try {
      return toRecord(await this.transfers.create(input, { transaction }));
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new TransferPendingError('pending transfer exists', { cause: error });
      throw error;
    }
  }

  /** Locked FOR UPDATE in the transaction. */
  async findForUpdate(id: string, transaction: DbTransaction): Promise<TransferRecord | null> {
    const row = await this.transfers.findOne({ where: { id }, transaction, lock: transaction.LOCK.UPDATE });
    return row ? toRecord(row) : null;
  }

  async setStatus(id: string, status: TransferStatus, at: Date, toUserId: string | null, transaction: DbTransaction): Promise<TransferRecord> {
    const [, rows] = await this.transfers.update({ status, decidedAt: at, ...(toUserId ? { toUserId } : {}) }, { where: { id }, returning: true, transaction });
    return toRecord(rows[0]);
  }

  /** Transfers the user sent or that are addressed to their e-mail, newest first in (created_at, id) keyset order; `limit + 1` rows. */
  async listFor(userId: string, email: string, limit: number, after?: KeysetPosition): Promise<Array<{ transfer: TransferRecord; position: KeysetPosition }>> {
    const rows = await findKeysetPage(this.transfers, { where: [{ [Op.or]: [{ fromUserId: userId }, { toEmail: email }] }], limit, after });
    return rows.map(({ row, position }) => ({ transfer: toRecord(row), position }));
  }

  /** Marks every pending transfer due by `now` expired; returns them. */
  async expireDue(now: Date, transaction: DbTransaction): Promise<TransferRecord[]> {
    const [, rows] = await this.transfers.update(
      { status: 'expired', decidedAt: now },
      { where: { status: 'pending', expiresAt: { [Op.lte]: now } }, returning: true, transaction },
    );
    return rows.map(toRecord);
  }
}
