import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, Op, QueryTypes, type WhereOptions } from 'sequelize';
import { ReadReplicas, type DbTransaction } from '@app/database';
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

export interface ChainEnds {
  database: string;
  count: number;
  firstSeq: string | null;
  firstHash: string | null;
  lastSeq: string | null;
  lastHash: string | null;
}

export interface CheckpointState {
  firstHash: string | null;
  lastHash: string | null;
  countThroughLast: number;
  /** audit.purge events after the checkpoint's last row, and the highest seq they removed. */
  purgesSince: number;
  purgedThrough: string | null;
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
  constructor(
    @InjectModel(AuditLog) private readonly audit: typeof AuditLog,
    private readonly replicas: ReadReplicas,
  ) {}

  /** The chain trigger fills seq, prev_hash and hash; placeholders satisfy NOT NULL until it does. */
  async insert(row: NewAuditRow, transaction?: DbTransaction): Promise<void> {
    await this.audit.create({ ...row, seq: 0, prevHash: '', hash: '' }, { transaction, returning: false });
  }

  /** Several rows in one statement, chained in this order (the trigger runs row by row and sees the rows before). */
  async insertMany(rows: NewAuditRow[], transaction?: DbTransaction): Promise<void> {
    if (rows.length === 1) return this.insert(rows[0], transaction);
    await this.audit.bulkCreate(
      rows.map((row) => ({ ...row, seq: 0, prevHash: '', hash: '' })),
      { transaction, returning: false },
    );
  }

  /** Newest first (by chain order), `limit + 1` rows. An admin read that tolerates lag: on a read replica when one is in rotation. */
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
    const rows = await this.replicas.read((transaction) =>
      this.audit.findAll({
        where: { [Op.and]: conditions },
        order: [['seq', 'DESC']],
        limit: query.limit + 1,
        transaction,
      }),
    );
    return rows.map(toRecord);
  }

  /**
   * Recomputes the chain in the database, oldest first, and returns the first row whose stored
   * hash or link to its predecessor does not match (a changed row breaks its own hash, a deleted
   * one its successor's link). The oldest remaining row must start the chain (prev_hash '') or
   * follow the last row a recorded purge removed (its audit.purge event's lastRemovedHash);
   * otherwise rows were deleted at the head (`headBrokenId`).
   */
  async verifyChain(transaction: DbTransaction): Promise<{ database: string; checked: number; firstBrokenId: string | null; headBrokenId: string | null }> {
    const [result] = await this.audit.sequelize!.query<{ database: string; checked: string; first_broken_id: string | null; head_broken_id: string | null }>(
      `WITH chain AS (
         SELECT id, seq, hash, prev_hash,
                lag(hash) OVER (ORDER BY seq) AS expected_prev,
                row_number() OVER (ORDER BY seq) AS n,
                encode(sha256(convert_to(prev_hash || audit_log_canonical(a), 'UTF8')), 'hex') AS expected_hash
           FROM audit_logs a
       ), head AS (SELECT id, prev_hash FROM audit_logs ORDER BY seq LIMIT 1)
       SELECT current_database() AS database, (SELECT count(*) FROM chain) AS checked,
              (SELECT id FROM chain WHERE hash <> expected_hash OR (n > 1 AND prev_hash <> expected_prev)
                ORDER BY seq LIMIT 1) AS first_broken_id,
              (SELECT id FROM head WHERE prev_hash <> '' AND NOT EXISTS (
                 SELECT 1 FROM audit_logs p WHERE p.action = 'audit.purge' AND p.metadata ->> 'lastRemovedHash' = head.prev_hash)) AS head_broken_id`,
      { type: QueryTypes.SELECT, transaction },
    );
    return {
      database: result!.database,
      checked: Number(result?.checked ?? 0),
      firstBrokenId: result?.first_broken_id ?? null,
      headBrokenId: result?.head_broken_id ?? null,
    };
  }

  /** The two ends of the chain and its length, in one snapshot (what a checkpoint records). */
  async chainEnds(): Promise<ChainEnds> {
    const [row] = await this.audit.sequelize!.query<{
      database: string;
      count: string;
      first_seq: string | null;
      first_hash: string | null;
      last_seq: string | null;
      last_hash: string | null;
    }>(
      `SELECT current_database() AS database,
              (SELECT count(*) FROM audit_logs) AS count,
              f.seq::text AS first_seq, f.hash AS first_hash, l.seq::text AS last_seq, l.hash AS last_hash
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT seq, hash FROM audit_logs ORDER BY seq ASC LIMIT 1) f ON true
         LEFT JOIN LATERAL (SELECT seq, hash FROM audit_logs ORDER BY seq DESC LIMIT 1) l ON true`,
      { type: QueryTypes.SELECT },
    );
    return {
      database: row!.database,
      count: Number(row!.count),
      firstSeq: row!.first_seq,
      firstHash: row!.first_hash,
      lastSeq: row!.last_seq,
      lastHash: row!.last_hash,
    };
  }

  /**
   * What the log holds now of what a checkpoint recorded: the hashes of its first and last rows
   * (null when gone), how many rows up to its last one remain, and the purges since.
   */
  async checkpointState(firstSeq: string | null, lastSeq: string, transaction: DbTransaction): Promise<CheckpointState> {
    const [row] = await this.audit.sequelize!.query<{
      first_hash: string | null;
      last_hash: string | null;
      count: string;
      purges_since: string;
      purged_through: string | null;
    }>(
      `SELECT (SELECT hash FROM audit_logs WHERE seq = CAST(:firstSeq AS bigint)) AS first_hash,
              (SELECT hash FROM audit_logs WHERE seq = CAST(:lastSeq AS bigint)) AS last_hash,
              (SELECT count(*) FROM audit_logs WHERE seq <= CAST(:lastSeq AS bigint)) AS count,
              (SELECT count(*) FROM audit_logs WHERE action = 'audit.purge' AND seq > CAST(:lastSeq AS bigint)) AS purges_since,
              (SELECT max(CAST(metadata ->> 'lastRemovedSeq' AS bigint))::text FROM audit_logs
                WHERE action = 'audit.purge' AND seq > CAST(:lastSeq AS bigint)) AS purged_through`,
      { type: QueryTypes.SELECT, transaction, replacements: { firstSeq: firstSeq ?? '0', lastSeq } },
    );
    return {
      firstHash: row!.first_hash,
      lastHash: row!.last_hash,
      countThroughLast: Number(row!.count),
      purgesSince: Number(row!.purges_since),
      purgedThrough: row!.purged_through,
    };
  }

  /** Raises the statement timeout for a long read (verification walks the whole table). */
  async allowLongStatement(transaction: DbTransaction, ms: number): Promise<void> {
    await this.audit.sequelize!.query(`SET LOCAL statement_timeout = ${Math.floor(ms)}`, { transaction });
  }
}
