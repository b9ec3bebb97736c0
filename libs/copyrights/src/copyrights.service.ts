import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { decodeCursor, NotFoundError, toPage, ValidationFailedError, type FieldError, type Page } from '@app/common';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { isEditable, nextStatus, type CopyrightAction, type CopyrightStatus } from './copyright-lifecycle';
import { CopyrightStateError, RegistrationNumberTakenProblem } from './copyrights.errors';
import { CopyrightsRepository, RegistrationNumberTakenError, type CopyrightWrite } from './copyrights.repository';
import type { CopyrightListFilter, CopyrightLogRecord, CopyrightRecord, CopyrightView } from './copyrights.types';
import { protectionTerm } from './protection-term.util';
import { normalizeRegistrationNumber } from './registration-number.util';

export type CopyrightDecision = { decision: 'registered'; registrationNumber: string } | { decision: 'rejected'; reason?: string };

function toView(work: CopyrightRecord): CopyrightView {
  const { userId: _owner, ...rest } = work;
  return { ...rest, protection: protectionTerm(work) };
}

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Copyright works: their lifecycle (one state machine, copyright-lifecycle.ts), the domain log
 * (copyright_logs) and an audit event written in the same transaction as every change. A work
 * is only ever visible to its owner (another user's id is a 404); decisions are an admin's.
 */
/** A change to a work as its copyright_logs row and audit event record it. */
export interface WorkChange {
  actorId: string;
  action: string;
  fromStatus: CopyrightStatus | null;
  toStatus: CopyrightStatus | null;
  changedFields: string[];
}

@Injectable()
export class CopyrightsService {
  constructor(
    private readonly repository: CopyrightsRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async create(userId: string, input: CopyrightWrite, now = new Date()): Promise<CopyrightView> {
    this.checkDates(input, now);
    return this.transactions.run(async (transaction) => {
      const work = await this.repository.create(userId, input, transaction);
      await this.log(transaction, work, userId, 'create', null, 'draft', Object.keys(input));
      return toView(work);
    });
  }

  async get(userId: string, id: string): Promise<CopyrightView> {
    return toView(await this.owned(userId, id));
  }

  async list(userId: string, filter: CopyrightListFilter, limit: number, cursor?: string): Promise<Page<CopyrightView>> {
    const rows = await this.repository.listForUser(userId, filter, limit, decodeCursor(cursor));
    const page = toPage(rows, limit, (row) => row.position);
    return { data: page.data.map((row) => toView(row.work)), nextCursor: page.nextCursor };
  }

  /** Edits a draft; any other state answers 409. */
  async update(userId: string, id: string, changes: Partial<CopyrightWrite>, now = new Date()): Promise<CopyrightView> {
    return this.transactions.run(async (transaction) => {
      const work = await this.owned(userId, id, transaction);
      if (!isEditable(work.status)) throw new CopyrightStateError('editing', work.status);
      const changed = (Object.keys(changes) as Array<keyof CopyrightWrite>).filter((k) => changes[k] !== undefined && JSON.stringify(changes[k]) !== JSON.stringify(work[k]));
      this.checkDates({ ...work, ...changes }, now);
      if (changed.length === 0) return toView(work);
      const updated = await this.repository.update(id, Object.fromEntries(changed.map((k) => [k, changes[k]])), transaction);
      await this.log(transaction, updated, userId, 'update', work.status, work.status, changed);
      return toView(updated);
    });
  }

  /** Soft-deletes a draft; any other state answers 409. */
  async delete(userId: string, id: string): Promise<void> {
    await this.transactions.run(async (transaction) => {
      const work = await this.owned(userId, id, transaction);
      if (!isEditable(work.status)) throw new CopyrightStateError('delete', work.status);
      await this.log(transaction, work, userId, 'delete', work.status, null, []);
      await this.repository.softDelete(id, transaction);
    });
  }

  /** submit (draft -> submitted), withdraw (submitted -> withdrawn), redraft (withdrawn -> draft). */
  async transition(userId: string, id: string, action: Extract<CopyrightAction, 'submit' | 'withdraw' | 'redraft'>): Promise<CopyrightView> {
    return this.transactions.run(async (transaction) => {
      const work = await this.owned(userId, id, transaction);
      const to = nextStatus(work.status, action);
      if (!to) throw new CopyrightStateError(action, work.status);
      const updated = await this.repository.update(id, { status: to }, transaction);
      await this.log(transaction, updated, userId, action, work.status, to, ['status']);
      return toView(updated);
    });
  }

  /** An admin registers (with a registration number of the work type's form, unique) or rejects a submitted work. */
  async decide(adminId: string, id: string, decision: CopyrightDecision, now = new Date()): Promise<CopyrightView> {
    return this.transactions.run(async (transaction) => {
      const work = await this.repository.findById(id, transaction);
      if (!work) throw new NotFoundError('The work does not exist');
      const action = decision.decision === 'registered' ? 'register' : 'reject';
      const to = nextStatus(work.status, action);
      if (!to) throw new CopyrightStateError(action, work.status);
      let changes: Partial<CopyrightRecord>;
      if (decision.decision === 'registered') {
        const number = normalizeRegistrationNumber(work.workType, decision.registrationNumber ?? '');
        if (!number) {
          throw new ValidationFailedError([{ field: 'registrationNumber', message: `is not a US Copyright Office registration number for a ${work.workType} work` }]);
        }
        changes = { status: to, registrationNumber: number, registrationDate: today(now), decisionReason: null };
      } else {
        changes = { status: to, decisionReason: decision.reason ?? null };
      }
      let updated: CopyrightRecord;
      try {
        updated = await this.repository.update(id, changes, transaction);
      } catch (error) {
        if (error instanceof RegistrationNumberTakenError) throw new RegistrationNumberTakenProblem();
        throw error;
      }
      await this.log(transaction, updated, adminId, action, work.status, to, Object.keys(changes));
      return toView(updated);
    });
  }

  /** A page of the work's changes, oldest first. */
  async history(userId: string, id: string, limit: number, cursor?: string): Promise<Page<CopyrightLogRecord>> {
    const after = decodeCursor(cursor);
    await this.owned(userId, id);
    const page = toPage(await this.repository.history(id, limit, after), limit, (row) => row.position);
    return { data: page.data.map((row) => row.log), nextCursor: page.nextCursor };
  }

  private async owned(userId: string, id: string, transaction?: DbTransaction): Promise<CopyrightRecord> {
    const work = await this.repository.findOwned(userId, id, transaction);
    if (!work) throw new NotFoundError('The work does not exist');
    return work;
  }

  private checkDates(work: { creationDate: string; publicationDate?: string | null }, now: Date): void {
    const errors: FieldError[] = [];
    const limit = today(now);
    if (work.creationDate > limit) errors.push({ field: 'creationDate', message: 'must not be in the future' });
    if (work.publicationDate) {
      if (work.publicationDate > limit) errors.push({ field: 'publicationDate', message: 'must not be in the future' });
      if (work.publicationDate < work.creationDate) errors.push({ field: 'publicationDate', message: 'must not be before the creation date' });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }

  /** The copyright_logs row and the audit event of a change, in the change's transaction (transfers use it too). */
  async log(
    transaction: DbTransaction,
    work: CopyrightRecord,
    actorId: string,
    action: string,
    fromStatus: CopyrightStatus | null,
    toStatus: CopyrightStatus | null,
    changedFields: string[],
  ): Promise<void> {
    const change = { actorId, action, fromStatus, toStatus, changedFields };
    await this.repository.addLog({ copyrightId: work.id, ...change }, transaction);
    await this.auditChange(transaction, work.id, change);
  }

  /**
   * The audit event of a change whose copyright_logs row was written otherwise (with other rows,
   * in one statement): in the change's transaction, written with its other audit rows (the
   * request's too) in one statement just before it commits.
   */
  async auditChange(transaction: DbTransaction, copyrightId: string, change: WorkChange): Promise<void> {
    const { actorId, action, fromStatus, toStatus, changedFields } = change;
    await this.audit.recordBeforeCommit(
      {
        action: `copyrights.${action}`,
        actorId,
        entityType: 'copyright',
        entityId: copyrightId,
        before: fromStatus ? { status: fromStatus } : undefined,
        after: toStatus ? { status: toStatus } : undefined,
        metadata: { changedFields },
      },
      { transaction },
    );
  }
}
