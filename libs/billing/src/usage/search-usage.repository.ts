import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import type { DbTransaction } from '@app/database';
import { SearchUsage } from '../models/search-usage.model';

/** search_usage: queries only (the quota rules are UsageService's). */
@Injectable()
export class SearchUsageRepository {
  constructor(
    @InjectModel(SearchUsage) private readonly usage: typeof SearchUsage,
    @InjectConnection() private readonly sequelize: Sequelize,
  ) {}

  /**
   * Adds one search to the period's count, atomically, unless it reached `limit` (null: no
   * limit). Returns the new count, or null when the limit was reached. Concurrent calls queue on
   * the row (the upsert locks it until the transaction ends and re-checks the limit against the
   * committed count), so no update is lost and no more than `limit` pass.
   */
  async increment(userId: string, periodStart: Date, limit: number | null, transaction: DbTransaction): Promise<number | null> {
    const rows = await this.sequelize.query<{ used: number }>(
      `INSERT INTO search_usage (user_id, period_start, used) VALUES (:userId, :periodStart, 1)
       ON CONFLICT (user_id, period_start) DO UPDATE SET used = search_usage.used + 1
       ${limit === null ? '' : 'WHERE search_usage.used < :limit'}
       RETURNING used`,
      { replacements: { userId, periodStart, limit }, type: QueryTypes.SELECT, transaction },
    );
    return rows[0]?.used ?? null;
  }

  async used(userId: string, periodStart: Date): Promise<number> {
    const row = await this.usage.findOne({ where: { userId, periodStart } });
    return row?.used ?? 0;
  }
}
