import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { fn, col, literal, Op, type WhereOptions } from 'sequelize';
import type { DbTransaction } from '@app/database';
import { decodeCursor, encodeCursor, KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL } from '@app/common';
import { Notification } from './models/notification.model';
import type { NotificationChannel, NotificationListQuery, NotificationPage, NotificationRecord } from './notifications.types';

export interface NewNotification {
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  deliveredChannels: NotificationChannel[];
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


function toRecord(row: Notification): NotificationRecord {
  return {
    id: row.id,
    userId: row.userId,
    type: row.type,
    title: row.title,
    body: row.body,
    data: row.data,
    readAt: row.readAt,
    deliveredChannels: row.deliveredChannels as NotificationChannel[],
    emailError: row.emailError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}

/** The notifications table: the only place that talks to it. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectModel(Notification) private readonly notifications: typeof Notification) {}

  async create(input: NewNotification, transaction?: DbTransaction): Promise<NotificationRecord> {
    const row = await this.notifications.create(
      {
        userId: input.userId,
        type: input.type,
        title: input.title,
        body: input.body,
        data: input.data,
        deliveredChannels: input.deliveredChannels,
      },
      { transaction },
    );
    return toRecord(row);
  }

  /**
   * A user's notifications, newest first, in pages. Keyset pagination on (created_at, id): a
   * page never repeats or skips a row, however many rows are added while the client pages.
   */
  async listForUser(userId: string, query: NotificationListQuery = {}): Promise<NotificationPage> {
    const limit = pageSize(query.limit);
    const after = decodeCursor(query.cursor);
    const conditions: WhereOptions[] = [{ userId }];
    if (query.unread) conditions.push({ readAt: null });
    if (after) {
      // A row comparison, so that the (user_id, created_at DESC, id DESC) index serves it.
      conditions.push(literal(KEYSET_AFTER_SQL));
    }
    const rows = await this.notifications.findAll({
      attributes: { include: [[literal(KEYSET_CREATED_AT_SQL), 'cursorCreatedAt']] },
      where: { [Op.and]: conditions },
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: limit + 1,
      ...(after ? { replacements: { afterCreatedAt: after.createdAt, afterId: after.id } } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toRecord),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.get('cursorCreatedAt') as string, id: last.id })
          : null,
    };
  }

  /**
   * Marks one of the user's notifications read (keeping the first read time). False when the
   * user has no notification with that id, whether it does not exist or belongs to someone else.
   */
  async markRead(userId: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const [count] = await this.notifications.update(
      { readAt: fn('COALESCE', col('read_at'), fn('now')) },
      { where: { id, userId } },
    );
    return count > 0;
  }

  /** Marks every unread notification of the user read; returns how many changed. */
  async markAllRead(userId: string): Promise<number> {
    const [count] = await this.notifications.update({ readAt: fn('now') }, { where: { userId, readAt: null } });
    return count;
  }

  /** Records the outcome of the e-mail delivery of a notification. */
  async recordDelivery(id: string, channels: NotificationChannel[], emailError: string | null): Promise<void> {
    await this.notifications.update({ deliveredChannels: channels, emailError }, { where: { id } });
  }
}
