import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/sequelize';
import { Op, QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { IdempotencyKey } from '../models/idempotency-key.model';

export interface StoredKey {
  requestHash: string;
  status: 'in_progress' | 'completed';
  responseStatus: number | null;
  responseBody: unknown;
  createdAt: Date;
}

/** idempotency_keys: queries only (the rules are IdempotencyInterceptor's). Each call is its own autocommit statement, seen by every other request at once. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(
    @InjectModel(IdempotencyKey) private readonly keys: typeof IdempotencyKey,
    @InjectConnection() private readonly sequelize: Sequelize,
  ) {}

  /**
   * Takes the key for this request, atomically: true when this request now owns it (a new key,
   * or one whose previous use is older than `expiredBefore` and not yet swept), false when
   * another request holds it (see `find`).
   */
  async claim(userId: string, key: string, requestHash: string, now: Date, expiredBefore: Date): Promise<boolean> {
    const rows = await this.sequelize.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at)
       VALUES (:userId, :key, :requestHash, 'in_progress', :now)
       ON CONFLICT (user_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = 'in_progress', response_status = NULL,
             response_body = NULL, created_at = EXCLUDED.created_at, completed_at = NULL
         WHERE idempotency_keys.created_at < :expiredBefore
       RETURNING key`,
      { replacements: { userId, key, requestHash, now, expiredBefore }, type: QueryTypes.SELECT },
    );
    return rows.length === 1;
  }

  async find(userId: string, key: string): Promise<StoredKey | null> {
    const row = await this.keys.findOne({ where: { userId, key } });
    return row ? { requestHash: row.requestHash, status: row.status, responseStatus: row.responseStatus, responseBody: row.responseBody, createdAt: row.createdAt } : null;
  }

  /** Stores the first response; later requests with the key replay it. */
  async complete(userId: string, key: string, responseStatus: number, responseBody: unknown, now: Date): Promise<void> {
    await this.keys.update({ status: 'completed', responseStatus, responseBody, completedAt: now }, { where: { userId, key, status: 'in_progress' } });
  }

  /** Gives the key back (the request failed): a retry with it runs again. */
  async release(userId: string, key: string): Promise<void> {
    await this.keys.destroy({ where: { userId, key, status: 'in_progress' } });
  }

  /** Deletes keys used before `before`; returns how many. */
  async deleteOlderThan(before: Date): Promise<number> {
    return this.keys.destroy({ where: { createdAt: { [Op.lt]: before } } });
  }
}
