import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import type { KeysetPosition } from '@app/common';
import { findKeysetPage, type DbTransaction } from '@app/database';
import type { CopyrightStatus } from './copyright-lifecycle';
import type { CopyrightListFilter, CopyrightLogRecord, CopyrightRecord, WorkType } from './copyrights.types';
import { CopyrightLog } from './models/copyright-log.model';
import { Copyright } from './models/copyright.model';

export type CopyrightWrite = Pick<CopyrightRecord, 'title' | 'workType' | 'authors' | 'creationDate' | 'publicationDate' | 'description' | 'metadata'>;

/** The registration number is already another work's (unique constraint). */
export class RegistrationNumberTakenError extends Error {}

function toRecord(c: Copyright): CopyrightRecord {
  return {
    id: c.id,
    userId: c.userId,
    title: c.title,
    workType: c.workType as WorkType,
    authors: c.authors as CopyrightRecord['authors'],
    creationDate: c.creationDate,
    publicationDate: c.publicationDate,
    description: c.description,
    status: c.status as CopyrightStatus,
    registrationNumber: c.registrationNumber,
    registrationDate: c.registrationDate,
    decisionReason: c.decisionReason,
    metadata: c.metadata,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function toLog(l: CopyrightLog): CopyrightLogRecord {
  return {
    id: l.id,
    copyrightId: l.copyrightId,
    actorId: l.actorId,
    action: l.action,
    fromStatus: l.fromStatus as CopyrightStatus | null,
    toStatus: l.toStatus as CopyrightStatus | null,
    changedFields: l.changedFields,
    createdAt: l.createdAt,
  };
}

@Injectable()
export class CopyrightsRepository {
  constructor(
    @InjectModel(Copyright) private readonly copyrights: typeof Copyright,
    @InjectModel(CopyrightLog) private readonly logs: typeof CopyrightLog,
  ) {}

  async create(userId: string, input: CopyrightWrite, transaction: DbTransaction): Promise<CopyrightRecord> {
    return toRecord(await this.copyrights.create({ userId, ...input, status: 'draft' }, { transaction }));
  }

  /** The user's (not deleted) work, locked FOR UPDATE when a transaction is given; null for anyone else's. */
  async findOwned(userId: string, id: string, transaction?: DbTransaction): Promise<CopyrightRecord | null> {
    const row = await this.copyrights.findOne({ where: { id, userId }, transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
    return row ? toRecord(row) : null;
  }

  /** Any (not deleted) work, for admins. */
  async findById(id: string, transaction?: DbTransaction): Promise<CopyrightRecord | null> {
    const row = await this.copyrights.findOne({ where: { id }, transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
    return row ? toRecord(row) : null;
  }

  async update(id: string, changes: Partial<CopyrightRecord>, transaction: DbTransaction): Promise<CopyrightRecord> {
    try {
      const [, rows] = await this.copyrights.update(changes, { where: { id }, returning: true, transaction });
      return toRecord(rows[0]);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new RegistrationNumberTakenError('registration number taken', { cause: error });
      throw error;
    }
  }

  /** Soft delete. */
  async softDelete(id: string, transaction: DbTransaction): Promise<void> {
    await this.copyrights.destroy({ where: { id }, transaction });
  }

  async listForUser(userId: string, filter: CopyrightListFilter, limit: number, after?: KeysetPosition): Promise<Array<{ work: CopyrightRecord; position: KeysetPosition }>> {
    const conditions: WhereOptions[] = [{ userId }];
    if (filter.status) conditions.push({ status: filter.status });
    if (filter.workType) conditions.push({ workType: filter.workType });
    if (filter.q) conditions.push({ title: { [Op.iLike]: `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } });
    if (filter.author) conditions.push(literal(`authors @> ${this.copyrights.sequelize!.escape(JSON.stringify([{ name: filter.author }]))}::jsonb`));
    if (filter.metadata) conditions.push(literal(`metadata @> ${this.copyrights.sequelize!.escape(JSON.stringify(filter.metadata))}::jsonb`));
    if (filter.createdFrom) conditions.push({ creationDate: { [Op.gte]: filter.createdFrom } });
    if (filter.createdTo) conditions.push({ creationDate: { [Op.lte]: filter.createdTo } });
    const rows = await findKeysetPage(this.copyrights, { where: conditions, limit, after });
    return rows.map(({ row, position }) => ({ work: toRecord(row), position }));
  }

  async addLog(entry: Omit<CopyrightLogRecord, 'id' | 'createdAt'>, transaction: DbTransaction): Promise<CopyrightLogRecord> {
    return toLog(await this.logs.create(entry, { transaction }));
  }

  /** The work's changes, oldest first in (created_at, id) keyset order after `after`; `limit + 1` rows. */
  async history(copyrightId: string, limit: number, after?: KeysetPosition): Promise<Array<{ log: CopyrightLogRecord; position: KeysetPosition }>> {
    const rows = await findKeysetPage(this.logs, { where: [{ copyrightId }], limit, after, order: 'oldest-first' });
    return rows.map(({ row, position }) => ({ log: toLog(row), position }));
  }
}
