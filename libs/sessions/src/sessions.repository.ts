import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { Op, QueryTypes } from 'sequelize';
import type { DbTransaction } from '@app/database';
import { Session } from './models/session.model';

export interface SessionRecord {
  id: string;
  userId: string;
  familyId: string;
  parentId: string | null;
  startedAt: Date;
  createdAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  expiresAt: Date;
  idleExpiresAt: Date;
  lastActivityAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface NewSession {
  userId: string;
  familyId: string;
  parentId: string | null;
  tokenHash: string;
  startedAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** What the access check needs: the head token of a live family and its user's current role. */
export interface LiveSession {
  headId: string;
  userId: string;
  role: 'user' | 'admin';
  lastActivityAt: Date;
}

function toRecord(s: Session): SessionRecord {
  return {
    id: s.id,
    userId: s.userId,
    familyId: s.familyId,
    parentId: s.parentId,
    startedAt: s.startedAt,
    createdAt: s.createdAt,
    usedAt: s.usedAt,
    revokedAt: s.revokedAt,
    revokedReason: s.revokedReason,
    expiresAt: s.expiresAt,
    idleExpiresAt: s.idleExpiresAt,
    lastActivityAt: s.lastActivityAt,
    ip: s.ip,
    userAgent: s.userAgent,
  };
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectModel(Session) private readonly sessions: typeof Session) {}

  async insert(session: NewSession, transaction?: DbTransaction): Promise<SessionRecord> {
    const now = new Date();
    return toRecord(await this.sessions.create({ ...session, lastActivityAt: now }, { transaction }));
  }

  /**
   * The compare-and-set of a rotation: marks the token used only if it is still unused,
   * unrevoked and unexpired. Of two concurrent callers exactly one gets the row.
   */
  async markUsed(tokenHash: string, now: Date, transaction: DbTransaction): Promise<SessionRecord | null> {
    const [count, rows] = await this.sessions.update(
      { usedAt: now },
      {
        where: {
          tokenHash,
          usedAt: null,
          revokedAt: null,
          expiresAt: { [Op.gt]: now },
          idleExpiresAt: { [Op.gt]: now },
        },
        returning: true,
        transaction,
      },
    );
    return count === 1 && rows[0] ? toRecord(rows[0]) : null;
  }

  async findByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.sessions.findOne({ where: { tokenHash } });
    return row ? toRecord(row) : null;
  }

  /** Revokes every token of a family not yet revoked; returns how many rows changed. */
  async revokeFamily(familyId: string, reason: string, transaction?: DbTransaction): Promise<number> {
    const [count] = await this.sessions.update(
      { revokedAt: new Date(), revokedReason: reason },
      { where: { familyId, revokedAt: null }, transaction },
    );
    return count;
  }

  /** Revokes the user's families (all, or all but one); returns the family ids touched. */
  async revokeUserFamilies(userId: string, reason: string, exceptFamilyId?: string, transaction?: DbTransaction): Promise<string[]> {
    const [, rows] = await this.sessions.update(
      { revokedAt: new Date(), revokedReason: reason },
      {
        where: { userId, revokedAt: null, ...(exceptFamilyId ? { familyId: { [Op.ne]: exceptFamilyId } } : {}) },
        returning: true,
        transaction,
      },
    );
    return [...new Set(rows.map((r) => r.familyId))];
  }

  /** The live head token of a family (unused, unrevoked, unexpired) with its active user's role. */
  async findLive(familyId: string, now: Date): Promise<LiveSession | null> {
    const rows = await this.sessions.sequelize!.query<{ id: string; user_id: string; role: 'user' | 'admin'; last_activity_at: Date }>(
      `SELECT s.id, s.user_id, u.role, s.last_activity_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.family_id = :familyId AND s.used_at IS NULL AND s.revoked_at IS NULL
          AND s.expires_at > :now AND s.idle_expires_at > :now
          AND u.status = 'active' AND u.deleted_at IS NULL
        LIMIT 1`,
      { replacements: { familyId, now }, type: QueryTypes.SELECT },
    );
    const row = rows[0];
    return row ? { headId: row.id, userId: row.user_id, role: row.role, lastActivityAt: row.last_activity_at } : null;
  }

  /** Marks activity at most once a minute: the condition makes repeated calls no-ops. */
  async touch(headId: string, now: Date): Promise<void> {
    await this.sessions.update(
      { lastActivityAt: now },
      { where: { id: headId, lastActivityAt: { [Op.lt]: new Date(now.getTime() - 60_000) } } },
    );
  }

  /** The user's live sessions: one head token per live family, newest activity first. */
  /**
   * The live sessions (one live token per family), newest first in (started_at, family_id)
   * keyset order, which a rotation does not change; `limit + 1` rows for the caller's page.
   */
  async listLive(userId: string, now: Date, limit: number, after?: { startedAt: Date; familyId: string }): Promise<SessionRecord[]> {
    const rows = await this.sessions.findAll({
      where: {
        userId,
        usedAt: null,
        revokedAt: null,
        expiresAt: { [Op.gt]: now },
        idleExpiresAt: { [Op.gt]: now },
        ...(after
          ? { [Op.or]: [{ startedAt: { [Op.lt]: after.startedAt } }, { startedAt: after.startedAt, familyId: { [Op.lt]: after.familyId } }] }
          : {}),
      },
      order: [
        ['startedAt', 'DESC'],
        ['familyId', 'DESC'],
      ],
      limit: limit + 1,
    });
    return rows.map(toRecord);
  }

  async familyOwnedBy(familyId: string, userId: string): Promise<boolean> {
    return (await this.sessions.count({ where: { familyId, userId } })) > 0;
  }

  async hasSeenUserAgent(userId: string, userAgent: string | null): Promise<boolean> {
    return (await this.sessions.count({ where: { userId, userAgent } })) > 0;
  }

  /** Deletes tokens whose family ended (expired or revoked) more than `retentionDays` ago. */
  async purgeEndedBefore(cutoff: Date): Promise<number> {
    return this.sessions.destroy({
      where: { [Op.or]: [{ expiresAt: { [Op.lt]: cutoff } }, { revokedAt: { [Op.lt]: cutoff } }] },
    });
  }
}
