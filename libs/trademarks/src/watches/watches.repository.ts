import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, Op, QueryTypes, UniqueConstraintError } from 'sequelize';
import { KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type KeysetPosition } from '@app/common';
import type { DbTransaction } from '@app/database';
import type { RecordSummary, RiskLevel, SearchReason } from '../search/search.types';
import type { HitPosition } from './hit-cursor.util';
import { TrademarkWatch } from './models/trademark-watch.model';
import { TrademarkWatchHit } from './models/trademark-watch-hit.model';

export interface WatchRecord {
  id: string;
  userId: string;
  mark: string;
  classes: number[];
  threshold: number;
  active: boolean;
  lastRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A conflict a watch found, with the registry record as it reads now (null if it left the registry). */
export interface WatchHitRecord {
  id: string;
  serialNumber: string;
  score: number;
  risk: RiskLevel;
  reasons: SearchReason[];
  baseline: boolean;
  foundAt: Date;
  record: RecordSummary | null;
}

export interface NewHit {
  serialNumber: string;
  score: number;
  risk: RiskLevel;
  reasons: SearchReason[];
}

export type WatchChanges = Partial<Pick<WatchRecord, 'active' | 'threshold' | 'classes'>>;

function toRecord(w: TrademarkWatch): WatchRecord {
  return {
    id: w.id,
    userId: w.userId,
    mark: w.mark,
    classes: w.classes,
    threshold: w.threshold,
    active: w.active,
    lastRunAt: w.lastRunAt,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

interface HitRow {
  id: string;
  serial_number: string;
  score: number;
  risk: RiskLevel;
  reasons: SearchReason[];
  baseline: boolean;
  created_at: Date;
  cursor_created_at: string;
  record_serial_number: string | null;
  registration_number: string | null;
  mark: string | null;
  status_code: string | null;
  live: boolean | null;
  classes: number[] | null;
  owner: string | null;
  filing_date: string | null;
}

function toHit(row: HitRow): WatchHitRecord {
  return {
    id: row.id,
    serialNumber: row.serial_number,
    score: row.score,
    risk: row.risk,
    reasons: row.reasons,
    baseline: row.baseline,
    foundAt: row.created_at,
    record:
      row.record_serial_number === null
        ? null
        : {
            serialNumber: row.record_serial_number,
            registrationNumber: row.registration_number,
            mark: row.mark,
            status: row.status_code,
            live: row.live ?? false,
            classes: row.classes ?? [],
            owner: row.owner,
            filingDate: row.filing_date,
          },
  };
}

/** The same key as the unique index trademark_watches_identity_idx. */
const IDENTITY_SQL = 'user_id = $1 AND lower(mark) = lower($2) AND classes = $3::int[]';

@Injectable()
export class WatchesRepository {
  constructor(
    @InjectModel(TrademarkWatch) private readonly watches: typeof TrademarkWatch,
    @InjectModel(TrademarkWatchHit) private readonly hits: typeof TrademarkWatchHit,
  ) {}

  /**
   * Inserts a watch unless the user already has one for this mark (ignoring case) and class set;
   * null then. ON CONFLICT DO NOTHING rather than a caught violation: the transaction stays usable,
   * and of two identical concurrent requests the second waits for the first and finds its row.
   */
  async create(input: { userId: string; mark: string; classes: number[]; threshold: number }, transaction: DbTransaction): Promise<WatchRecord | null> {
    const [row] = await this.watches.sequelize!.query<{ id: string }>(
      `INSERT INTO trademark_watches (user_id, mark, classes, threshold) VALUES ($1, $2, $3::int[], $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      { bind: [input.userId, input.mark, input.classes, input.threshold], type: QueryTypes.SELECT, transaction },
    );
    if (!row) return null;
    const watch = await this.watches.findByPk(row.id, { transaction });
    return watch ? toRecord(watch) : null;
  }

  /** The user's watch with this mark (ignoring case) and class set, if any. */
  async findIdentical(userId: string, mark: string, classes: number[], transaction?: DbTransaction): Promise<WatchRecord | null> {
    const [row] = await this.watches.sequelize!.query<{ id: string }>(`SELECT id FROM trademark_watches WHERE ${IDENTITY_SQL}`, {
      bind: [userId, mark, classes],
      type: QueryTypes.SELECT,
      transaction,
    });
    return row ? this.findForUser(userId, row.id, transaction) : null;
  }

  /** One of the user's watches; null when the user has none with that id. */
  async findForUser(userId: string, id: string, transaction?: DbTransaction, lock = false): Promise<WatchRecord | null> {
    const watch = await this.watches.findOne({ where: { id, userId }, transaction, ...(lock && transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
    return watch ? toRecord(watch) : null;
  }

  /**
   * Applies the changes to one of the user's watches: the new row, null when the user has no
   * watch with that id, 'duplicate' when the change would make it identical to another of the
   * user's watches (the transaction is then unusable: the caller must throw).
   */
  async updateForUser(userId: string, id: string, changes: WatchChanges, transaction: DbTransaction): Promise<WatchRecord | null | 'duplicate'> {
    try {
      const [, rows] = await this.watches.update(changes, { where: { id, userId }, returning: true, transaction });
      return rows[0] ? toRecord(rows[0]) : null;
    } catch (error) {
      if (error instanceof UniqueConstraintError) return 'duplicate';
      throw error;
    }
  }

  async listForUser(userId: string, limit: number, after?: KeysetPosition): Promise<Array<{ watch: WatchRecord; position: KeysetPosition }>> {
    const rows = await this.watches.findAll({
      attributes: { include: [[literal(KEYSET_CREATED_AT_SQL), 'cursorCreatedAt']] },
      where: after ? { [Op.and]: [{ userId }, literal(KEYSET_AFTER_SQL)] } : { userId },
      ...(after ? { replacements: { afterCreatedAt: after.createdAt, afterId: after.id } } : {}),
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: limit + 1,
    });
    return rows.map((w) => ({ watch: toRecord(w), position: { createdAt: w.get('cursorCreatedAt') as string, id: w.id } }));
  }

  /** Deletes one of the user's watches; false when the user has none with that id. */
  async deleteForUser(userId: string, id: string): Promise<boolean> {
    return (await this.watches.destroy({ where: { id, userId } })) > 0;
  }

  async active(): Promise<WatchRecord[]> {
    return (await this.watches.findAll({ where: { active: true }, order: [['createdAt', 'ASC']] })).map(toRecord);
  }

  /**
   * Records matches; returns the serial numbers that were not recorded before (the new
   * conflicts). The primary key (watch, serial) makes a conflict new exactly once.
   */
  async recordHits(watchId: string, hits: NewHit[], baseline: boolean, transaction: DbTransaction): Promise<string[]> {
    if (hits.length === 0) return [];
    const rows = await this.hits.sequelize!.query<{ serial_number: string }>(
      `INSERT INTO trademark_watch_hits (watch_id, serial_number, score, risk, reasons, baseline)
       SELECT $1, h.serial_number, h.score, h.risk, h.reasons, $3
         FROM jsonb_to_recordset($2::jsonb) AS h(serial_number text, score int, risk text, reasons jsonb)
       ON CONFLICT (watch_id, serial_number) DO NOTHING
       RETURNING serial_number`,
      {
        bind: [watchId, JSON.stringify(hits.map((h) => ({ serial_number: h.serialNumber, score: h.score, risk: h.risk, reasons: h.reasons }))), baseline],
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return rows.map((r) => r.serial_number);
  }

  async countHits(watchId: string, transaction?: DbTransaction): Promise<number> {
    return this.hits.count({ where: { watchId }, transaction });
  }

  /** A page of a watch's hits, newest first and strongest first within one run, after a position. */
  async listHits(watchId: string, limit: number, after?: HitPosition, transaction?: DbTransaction): Promise<Array<{ hit: WatchHitRecord; position: HitPosition }>> {
    const bind: unknown[] = [watchId, limit + 1];
    let keyset = '';
    if (after) {
      bind.push(after.createdAt, after.score, after.id);
      keyset = 'AND (h.created_at, h.score, h.id) < (CAST($3 AS timestamptz), CAST($4 AS int), CAST($5 AS uuid))';
    }
    const rows = await this.hits.sequelize!.query<HitRow>(
      `SELECT h.id, h.serial_number, h.score, h.risk, h.reasons, h.baseline, h.created_at,
              to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at,
              r.serial_number AS record_serial_number, r.registration_number, r.mark, r.status_code, r.live, r.classes, r.owner,
              to_char(r.filing_date, 'YYYY-MM-DD') AS filing_date
         FROM trademark_watch_hits h
         LEFT JOIN trademark_records r ON r.serial_number = h.serial_number
        WHERE h.watch_id = $1 ${keyset}
        ORDER BY h.created_at DESC, h.score DESC, h.id DESC
        LIMIT $2`,
      { bind, type: QueryTypes.SELECT, transaction },
    );
    return rows.map((row) => ({ hit: toHit(row), position: { createdAt: row.cursor_created_at, score: row.score, id: row.id } }));
  }

  async markRun(watchId: string, at: Date, transaction: DbTransaction): Promise<void> {
    await this.watches.update({ lastRunAt: at }, { where: { id: watchId }, transaction });
  }
}
