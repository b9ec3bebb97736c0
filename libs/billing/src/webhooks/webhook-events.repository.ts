import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal } from 'sequelize';
import type { DbTransaction } from '@app/database';
import { WebhookEvent } from '../models/webhook-event.model';

export interface StoredEvent {
  provider: string;
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  processedAt: Date | null;
  outcome: string | null;
  attempts: number;
  receivedAt: Date;
}

function toEvent(row: WebhookEvent): StoredEvent {
  return { provider: row.provider, eventId: row.eventId, type: row.type, payload: row.payload, processedAt: row.processedAt, outcome: row.outcome, attempts: row.attempts, receivedAt: row.receivedAt };
}

/** billing_webhook_events: queries only; WebhooksService holds the rules. */
@Injectable()
export class WebhookEventsRepository {
  constructor(@InjectModel(WebhookEvent) private readonly events: typeof WebhookEvent) {}

  /** Stores the event unless its (provider, id) is already there (a redelivery): autocommit. */
  async insertIfNew(event: { provider: string; eventId: string; type: string; payload: Record<string, unknown>; receivedAt: Date }): Promise<void> {
    await this.events.bulkCreate([{ ...event, attempts: 0 }], { ignoreDuplicates: true });
  }

  /** The event, row-locked until the transaction ends (concurrent deliveries of one event queue here). */
  async lock(provider: string, eventId: string, transaction: DbTransaction): Promise<StoredEvent | null> {
    const row = await this.events.findOne({ where: { provider, eventId }, transaction, lock: transaction.LOCK.UPDATE });
    return row ? toEvent(row) : null;
  }

  async markProcessed(provider: string, eventId: string, outcome: string, at: Date, transaction: DbTransaction): Promise<void> {
    await this.events.update({ processedAt: at, outcome, attempts: literal('attempts + 1') }, { where: { provider, eventId }, transaction });
  }

  async markWaiting(provider: string, eventId: string, outcome: string, transaction: DbTransaction): Promise<void> {
    await this.events.update({ outcome, attempts: literal('attempts + 1') }, { where: { provider, eventId }, transaction });
  }

  /** Events still waiting for what they are about, oldest first. */
  async findWaiting(limit: number): Promise<Array<{ provider: string; eventId: string }>> {
    const rows = await this.events.findAll({ attributes: ['provider', 'eventId'], where: { processedAt: null }, order: [['receivedAt', 'ASC']], limit });
    return rows.map((r) => ({ provider: r.provider, eventId: r.eventId }));
  }
}
