import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, Op, QueryTypes } from 'sequelize';
import { KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type KeysetPosition } from '@app/common';
import type { DbTransaction } from '@app/database';
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
}

function toRecord(w: TrademarkWatch): WatchRecord {
  return { id: w.id, userId: w.userId, mark: w.mark, classes: w.classes, threshold: w.threshold, active: w.active, lastRunAt: w.lastRunAt, createdAt: w.createdAt };
}

@Injectable()
export class WatchesRepository {
  constructor(
    @InjectModel(TrademarkWatch) private readonly watches: typeof TrademarkWatch,
    @InjectModel(TrademarkWatchHit) private readonly hits: typeof TrademarkWatchHit,
  ) {}

  async create(input: { userId: string; mark: string; classes: number[]; threshold: number }, transaction: DbTransaction): Promise<WatchRecord> {
    return toRecord(await this.watches.create(input, { transaction }));
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
  async recordHits(watchId: string, hits: Array<{ serialNumber: string; score: number }>, baseline: boolean, transaction: DbTransaction): Promise<string[]> {
    if (hits.length === 0) return [];
    const rows = await this.hits.sequelize!.query<{ serial_number: string }>(
      `INSERT INTO trademark_watch_hits (watch_id, serial_number, score, baseline)
       SELECT $1, h.serial_number, h.score, $3 FROM jsonb_to_recordset($2::jsonb) AS h(serial_number text, score int)
       ON CONFLICT (watch_id, serial_number) DO NOTHING
       RETURNING serial_number`,
      { bind: [watchId, JSON.stringify(hits.map((h) => ({ serial_number: h.serialNumber, score: h.score }))), baseline], type: QueryTypes.SELECT, transaction },
    );
    return rows.map((r) => r.serial_number);
  }

  async markRun(watchId: string, at: Date, transaction: DbTransaction): Promise<void> {
    await this.watches.update({ lastRunAt: at }, { where: { id: watchId }, transaction });
  }
}
