import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, Op, QueryTypes, type WhereOptions } from 'sequelize';
import type { DbTransaction } from '@app/database';
import { AuditLog } from './models/audit-log.model';

export interface NewAuditRow {
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: 'success' | 'failure';
  problemType: string | null;
  before: unknown;
  after: unknown;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  metadata: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditRecord extends NewAuditRow {
  id: string;
  seq: string;
  createdAt: Date;
  hash: string;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Only rows whose `changes` name this field (served by the GIN index). */
  changedField?: string;
  from?: Date;
  to?: Date;
  afterSeq?: string;
  limit: number;
}

function toRecord(row: AuditLog): AuditRecord {
  return {
    id: row.id,
    seq: String(row.seq),
    createdAt: row.createdAt,
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    outcome: row.outcome,
    problemType: row.problemType,
    before: row.before,
    after: row.after,
    changes: row.changes,
    metadata: row.metadata,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    hash: row.hash,
  };
}

@Injectable()
export class AuditLogRepository {
  constructor(@InjectModel(AuditLog) private readonly audit: typeof AuditLog) {}

  /** The chain trigger fills seq, prev_hash and hash; placeholders satisfy NOT NULL until it does. */
  async insert(row: NewAuditRow, transaction?: DbTransaction): Promise<void> {
    await this.audit.create({ ...row, seq: 0, prevHash: '', hash: '' }, { transaction, returning: false });
  }

  /** Newest first (by chain order), `limit + 1` rows. */
  async find(query: AuditQuery): Promise<AuditRecord[]> {
    const conditions: WhereOptions[] = [];
    if (query.actorId) conditions.push({ actorId: query.actorId });
    if (query.action) conditions.push({ action: query.action });
    if (query.entityType) conditions.push({ entityType: query.entityType });
    if (query.entityId) conditions.push({ entityId: query.entityId });
    if (query.changedField) conditions.push(literal(`changes ? ${this.audit.sequelize!.escape(query.changedField)}`));
    if (query.from) conditions.push({ createdAt: { [Op.gte]: query.from } });
    if (query.to) conditions.push({ createdAt: { [Op.lt]: query.to } });
    if (query.afterSeq) conditions.push({ seq: { [Op.lt]: query.afterSeq } });
    const rows = await this.audit.findAll({
      where: { [Op.and]: conditions },
      order: [['seq', 'DESC']],
      limit: query.limit + 1,
    });
    return rows.map(toRecord);
  }

  /**
   * Recomputes the chain in the database, oldest first, and returns the first row whose stored
   * hash or link to its predecessor does not match (a changed row breaks its own hash, a deleted
   * one its successor's link). The oldest remaining row anchors the chain (retention removes the
   * rows before it, through audit_logs_purge, which records that it did).
   */
  async verifyChain(transaction: DbTransaction): Promise<{ checked: number; firstBrokenId: string | null }> {
    const [result] = await this.audit.sequelize!.query<{ checked: string; first_broken_id: string | null }>(
      `WITH chain AS (
         SELECT id, seq, hash, prev_hash,
                lag(hash) OVER (ORDER BY seq) AS expected_prev,
                row_number() OVER (ORDER BY seq) AS n,
                encode(sha256(convert_to(prev_hash || audit_log_canonical(a), 'UTF8')), 'hex') AS expected_hash
           FROM audit_logs a
       )
       SELECT (SELECT count(*) FROM chain) AS checked,
              (SELECT id FROM chain WHERE hash <> expected_hash OR (n > 1 AND prev_hash <> expected_prev)
                ORDER BY seq LIMIT 1) AS first_broken_id`,
      { type: QueryTypes.SELECT, transaction },
    );
    return { checked: Number(result?.checked ?? 0), firstBrokenId: result?.first_broken_id ?? null };
  }

  /** Raises the statement timeout for a long read (verification walks the whole table). */
  async allowLongStatement(transaction: DbTransaction, ms: number): Promise<void> {
    await this.audit.sequelize!.query(`SET LOCAL statement_timeout = ${Math.floor(ms)}`, { transaction });
  }
}
