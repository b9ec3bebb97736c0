import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/sequelize';
import { Op, QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import type { DbTransaction } from '@app/database';
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
   * Takes the key for this request (owner `lockId`), atomically. True when this request now owns
   * it: a new key; one whose previous use is older than `expiredBefore` and not yet swept (reset);
   * or one still `in_progress` for the same request whose lock was not renewed since
   * `staleBefore` (its request died with its process): taken over with its recovery point, so
   * the retry resumes. False when another request holds it or it is completed (see `find`).
   */
  async claim(userId: string, key: string, requestHash: string, lockId: string, at: { now: Date; expiredBefore: Date; staleBefore: Date }): Promise<boolean> {
    const rows = await this.sequelize.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at, lock_id, locked_at)
       VALUES (:userId, :key, :requestHash, 'in_progress', :now, :lockId, :now)
       ON CONFLICT (user_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = 'in_progress', response_status = NULL,
             response_body = NULL, completed_at = NULL, lock_id = EXCLUDED.lock_id, locked_at = EXCLUDED.locked_at,
             created_at = CASE WHEN idempotency_keys.created_at < :expiredBefore THEN EXCLUDED.created_at ELSE idempotency_keys.created_at END,
             recovery_point = CASE WHEN idempotency_keys.created_at < :expiredBefore THEN NULL ELSE idempotency_keys.recovery_point END
         WHERE idempotency_keys.created_at < :expiredBefore
            OR (idempotency_keys.status = 'in_progress' AND idempotency_keys.request_hash = EXCLUDED.request_hash
                AND idempotency_keys.locked_at < :staleBefore)
       RETURNING key`,
      { replacements: { userId, key, requestHash, lockId, ...at }, type: QueryTypes.SELECT },
    );
    return rows.length === 1;
  }

  async find(userId: string, key: string): Promise<StoredKey | null> {
    const row = await this.keys.findOne({ where: { userId, key } });
    return row ? { requestHash: row.requestHash, status: row.status, responseStatus: row.responseStatus, responseBody: row.responseBody, createdAt: row.createdAt } : null;
  }

  /** Renews the owner's lock (a heartbeat while its request runs); false when it lost the key. */
  async renew(userId: string, key: string, lockId: string, now: Date): Promise<boolean> {
    const [count] = await this.keys.update({ lockedAt: now }, { where: { userId, key, lockId, status: 'in_progress' } });
    return count === 1;
  }

  /** Stores the first response; later requests with the key replay it. Only the lock's owner can. */
  async complete(userId: string, key: string, lockId: string, responseStatus: number, responseBody: unknown, now: Date): Promise<void> {
    await this.keys.update({ status: 'completed', responseStatus, responseBody, completedAt: now, lockId: null, lockedAt: null }, { where: { userId, key, lockId, status: 'in_progress' } });
  }

  /** Gives the key back (the request failed): a retry with it runs again. Only the lock's owner can. */
  async release(userId: string, key: string, lockId: string): Promise<void> {
    await this.keys.destroy({ where: { userId, key, lockId, status: 'in_progress' } });
  }

  /** What the key's request committed so far (null: nothing, or no such key). */
  async recoveryPoint(userId: string, key: string): Promise<string | null> {
    const row = await this.keys.findOne({ attributes: ['recoveryPoint'], where: { userId, key, status: 'in_progress' } });
    return row?.recoveryPoint ?? null;
  }

  /** Records, in the transaction that committed it, what the key's request did: a retry resumes from there. */
  async setRecoveryPoint(userId: string, key: string, point: string, transaction: DbTransaction): Promise<void> {
    await this.keys.update({ recoveryPoint: point }, { where: { userId, key, status: 'in_progress' }, transaction });
  }

  /** Deletes keys used before `before`; returns how many. */
  async deleteOlderThan(before: Date): Promise<number> {
    return this.keys.destroy({ where: { createdAt: { [Op.lt]: before } } });
  }
}
