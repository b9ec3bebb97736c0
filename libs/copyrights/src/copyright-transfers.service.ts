import { Injectable } from '@nestjs/common';
import { AppError, ConflictError, decodeCursor, NotFoundError, toPage, ValidationFailedError, type Page } from '@app/common';
import { TransactionRunner } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { UsersService, normalizeEmail } from '@app/users';
import { CopyrightTransfersRepository, TransferPendingError, type TransferRecord } from './copyright-transfers.repository';
import { CopyrightsRepository } from './copyrights.repository';
import { CopyrightsService } from './copyrights.service';

/** Pending transfers expire this long after they are offered. */
export const TRANSFER_TTL_MS = 14 * 24 * 3600 * 1000;

/** What a transfer looks like to its sender or recipient (no user ids). */
export interface TransferView {
  id: string;
  copyrightId: string;
  toEmail: string;
  direction: 'outgoing' | 'incoming';
  status: TransferRecord['status'];
  expiresAt: Date;
  decidedAt: Date | null;
  createdAt: Date;
}

class TransferStateError extends AppError {
  constructor(status: string) {
    super('copyright-transfer-not-pending', 409, 'Conflict', { detail: `The transfer is ${status}`, extensions: { currentStatus: status } });
  }
}

/**
 * Ownership transfers. The offer answers the same whether or not the address has an account
 * (the recipient is identified by their account's e-mail when they act on it, so an address
 * that signs up later can still accept). Accepting moves the work in one transaction with its
 * log rows, audit events and both owners' notifications; the old owner then gets 404s.
 */
@Injectable()
export class CopyrightTransfersService {
  constructor(
    private readonly transfers: CopyrightTransfersRepository,
    private readonly works: CopyrightsRepository,
    private readonly copyrights: CopyrightsService,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
    private readonly transactions: TransactionRunner,
  ) {}

  async offer(userId: string, copyrightId: string, toEmail: string, now = new Date()): Promise<TransferView> {
    const email = normalizeEmail(toEmail);
    const me = await this.users.profile(userId);
    if (normalizeEmail(me.email) === email) throw new ValidationFailedError([{ field: 'toEmail', message: 'is your own address' }]);
    return this.transactions.run(async (transaction) => {
      const work = await this.works.findOwned(userId, copyrightId, transaction);
      if (!work) throw new NotFoundError('The work does not exist');
      let transfer: TransferRecord;
      try {
        transfer = await this.transfers.create({ copyrightId, fromUserId: userId, toEmail: email, expiresAt: new Date(now.getTime() + TRANSFER_TTL_MS) }, transaction);
      } catch (error) {
        if (error instanceof TransferPendingError) throw new ConflictError('The work already has a pending transfer: cancel it first');
        throw error;
      }
      await this.copyrights.log(transaction, work, userId, 'transfer-offered', work.status, work.status, []);
      // The recipient hears of it in-app when the address has an account; the sender's answer is the same either way.
      const recipientId = await this.users.activeUserIdByEmail(email);
      if (recipientId) {
        await this.notifications.notify(
          recipientId,
          {
            type: 'copyright',
            title: 'A work is offered to you',
            body: `"${work.title}" is offered to you: accept or decline it within 14 days.`,
            data: { copyrightId: work.id, transferId: transfer.id },
          },
          { transaction },
        );
      }
      return this.view(transfer, 'outgoing');
    });
  }

  /** A page of the transfers the user sent or that are addressed to their e-mail, newest first. */
  async list(userId: string, limit: number, cursor?: string): Promise<Page<TransferView>> {
    const after = decodeCursor(cursor);
    const me = await this.users.profile(userId);
    const rows = await this.transfers.listFor(userId, normalizeEmail(me.email), limit, after);
    const page = toPage(rows, limit, (row) => row.position);
    return { data: page.data.map(({ transfer: t }) => this.view(t, t.fromUserId === userId ? 'outgoing' : 'incoming')), nextCursor: page.nextCursor };
  }

  /** The recipient takes the work: ownership moves, both owners are notified. */
  async accept(userId: string, transferId: string, now = new Date()): Promise<TransferView> {
    const me = await this.users.profile(userId);
    return this.transactions.run(async (transaction) => {
      const transfer = await this.transfers.findForUpdate(transferId, transaction);
      if (!transfer || transfer.toEmail !== normalizeEmail(me.email)) throw new NotFoundError('The transfer does not exist');
      this.checkPending(transfer, now);
      const work = await this.works.findById(transfer.copyrightId, transaction);
      if (!work || work.userId !== transfer.fromUserId) throw new TransferStateError('no longer valid');
      const moved = await this.works.update(work.id, { userId }, transaction);
      const done = await this.transfers.setStatus(transfer.id, 'accepted', now, userId, transaction);
      await this.copyrights.log(transaction, moved, userId, 'transfer-accepted', work.status, work.status, ['owner']);
      await this.notifications.notify(
        transfer.fromUserId,
        { type: 'copyright', title: 'Your work was transferred', body: `"${work.title}" now belongs to its new owner.`, data: { copyrightId: work.id, transferId: transfer.id } },
        { transaction },
      );
      await this.notifications.notify(
        userId,
        { type: 'copyright', title: 'A work was transferred to you', body: `"${work.title}" is now yours.`, data: { copyrightId: work.id, transferId: transfer.id } },
        { transaction },
      );
      return this.view(done, 'incoming');
    });
  }

  async decline(userId: string, transferId: string, now = new Date()): Promise<TransferView> {
    const me = await this.users.profile(userId);
    return this.transactions.run(async (transaction) => {
      const transfer = await this.transfers.findForUpdate(transferId, transaction);
      if (!transfer || transfer.toEmail !== normalizeEmail(me.email)) throw new NotFoundError('The transfer does not exist');
      this.checkPending(transfer, now);
      const done = await this.transfers.setStatus(transfer.id, 'declined', now, userId, transaction);
      const work = await this.works.findById(transfer.copyrightId, transaction);
      if (work) {
        await this.copyrights.log(transaction, work, userId, 'transfer-declined', work.status, work.status, []);
        await this.notifications.notify(
          transfer.fromUserId,
          { type: 'copyright', title: 'Your transfer was declined', body: `The transfer of "${work.title}" was declined.`, data: { copyrightId: work.id, transferId: transfer.id } },
          { transaction },
        );
      }
      return this.view(done, 'incoming');
    });
  }

  async cancel(userId: string, transferId: string, now = new Date()): Promise<TransferView> {
    return this.transactions.run(async (transaction) => {
      const transfer = await this.transfers.findForUpdate(transferId, transaction);
      if (!transfer || transfer.fromUserId !== userId) throw new NotFoundError('The transfer does not exist');
      this.checkPending(transfer, now);
      const done = await this.transfers.setStatus(transfer.id, 'cancelled', now, null, transaction);
      const work = await this.works.findById(transfer.copyrightId, transaction);
      if (work) await this.copyrights.log(transaction, work, userId, 'transfer-cancelled', work.status, work.status, []);
      return this.view(done, 'outgoing');
    });
  }

  /** The expiry job: every pending transfer past its 14 days becomes expired. Returns how many. */
  async expireDue(now = new Date()): Promise<number> {
    return this.transactions.run(async (transaction) => (await this.transfers.expireDue(now, transaction)).length);
  }

  private checkPending(transfer: TransferRecord, now: Date): void {
    if (transfer.status !== 'pending') throw new TransferStateError(transfer.status);
    // Past its expiry but not yet swept by the job: already expired for every purpose.
    if (transfer.expiresAt.getTime() <= now.getTime()) throw new TransferStateError('expired');
  }

  private view(t: TransferRecord, direction: TransferView['direction']): TransferView {
    return { id: t.id, copyrightId: t.copyrightId, toEmail: t.toEmail, direction, status: t.status, expiresAt: t.expiresAt, decidedAt: t.decidedAt, createdAt: t.createdAt };
  }
}
