import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { fn, col, literal, Op, type WhereOptions } from 'sequelize';
import type { KeysetPosition } from '@app/common';
import { findKeysetPage, type DbTransaction } from '@app/database';
import { RecommendationLog } from './models/recommendation-log.model';
import { Recommendation } from './models/recommendation.model';
import type {
  NewRecommendation,
  RecommendationAction,
  RecommendationRecord,
  RecommendationStats,
  RecommendationStatus,
  RecommendationType,
} from './recommendations.types';

function toRecord(row: Recommendation): RecommendationRecord {
  return {
    id: row.id,
    userId: row.userId,
    type: row.type as RecommendationType,
    status: row.status as RecommendationStatus,
    title: row.title,
    payload: row.payload,
    modelVersion: row.modelVersion,
    actedAt: row.actedAt,
    createdAt: row.createdAt,
  };
}

/** The recommendations and recommendation_logs tables: the only place that talks to them. */
@Injectable()
export class RecommendationsRepository {
  constructor(
    @InjectModel(Recommendation) private readonly recommendations: typeof Recommendation,
    @InjectModel(RecommendationLog) private readonly logs: typeof RecommendationLog,
  ) {}

  /** Stores recommendations and their `made` log rows (the caller's transaction spans both). */
  async createMany(items: NewRecommendation[], transaction: DbTransaction): Promise<RecommendationRecord[]> {
    if (items.length === 0) return [];
    const rows = await this.recommendations.bulkCreate(
      items.map((i) => ({ ...i, status: 'new', payload: i.payload })),
      { transaction, returning: true },
    );
    const records = rows.map(toRecord);
    await this.log(records, 'made', transaction);
    return records;
  }

  async log(records: RecommendationRecord[], action: RecommendationAction, transaction: DbTransaction): Promise<void> {
    if (records.length === 0) return;
    await this.logs.bulkCreate(
      records.map((r) => ({ recommendationId: r.id, userId: r.userId, type: r.type, action, modelVersion: r.modelVersion })),
      { transaction },
    );
  }

  /** Newest first in (created_at, id) keyset order after `after`; `limit + 1` rows for the caller's page. */
  async listForUser(
    userId: string,
    filter: { status?: RecommendationStatus; type?: RecommendationType },
    limit: number,
    after: KeysetPosition | undefined,
    transaction?: DbTransaction,
  ): Promise<Array<{ record: RecommendationRecord; position: KeysetPosition }>> {
    const conditions: WhereOptions[] = [{ userId }];
    if (filter.status) conditions.push({ status: filter.status });
    if (filter.type) conditions.push({ type: filter.type });
    const rows = await findKeysetPage(this.recommendations, { where: conditions, limit, after, transaction });
    return rows.map(({ row, position }) => ({ record: toRecord(row), position }));
  }

  /** One of the user's recommendations; null for anyone else's. */
  async findForUser(userId: string, id: string): Promise<RecommendationRecord | null> {
    const row = await this.recommendations.findOne({ where: { id, userId } });
    return row ? toRecord(row) : null;
  }

  /** One of the user's recommendations, locked for the answer; null for anyone else's. */
  async findForUpdate(userId: string, id: string, transaction: DbTransaction): Promise<RecommendationRecord | null> {
    const row = await this.recommendations.findOne({ where: { id, userId }, transaction, lock: transaction.LOCK.UPDATE });
    return row ? toRecord(row) : null;
  }

  async setStatus(id: string, status: RecommendationStatus, at: Date, transaction: DbTransaction): Promise<void> {
    await this.recommendations.update({ status, actedAt: at }, { where: { id }, transaction });
  }

  /** The user's answered class suggestions, newest first (the feedback history). */
  async answeredClassSuggestions(userId: string, limit: number): Promise<RecommendationRecord[]> {
    const rows = await this.recommendations.findAll({
      where: { userId, type: 'nice-class', status: { [Op.in]: ['accepted', 'dismissed'] } },
      order: [['actedAt', 'DESC']],
      limit,
    });
    return rows.map(toRecord);
  }

  /** Log counts by type, model version and action. */
  async stats(): Promise<RecommendationStats[]> {
    const rows = (await this.logs.findAll({
      attributes: ['type', 'modelVersion', 'action', [fn('count', col('id')), 'count']],
      group: ['type', 'modelVersion', 'action'],
      order: [literal('type'), literal('model_version'), literal('action')],
      raw: true,
    })) as unknown as Array<{ type: string; modelVersion: string; action: RecommendationAction; count: string }>;
    return rows.map((r) => ({ type: r.type, modelVersion: r.modelVersion, action: r.action, count: Number(r.count) }));
  }
}
