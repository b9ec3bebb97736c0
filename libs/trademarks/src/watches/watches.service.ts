import { Injectable, Logger } from '@nestjs/common';
import { decodeCursor, NotFoundError, toPage, type Page } from '@app/common';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { prepareQuery, rankCandidates } from '../search/scoring.util';
import { containmentWords, TrademarkSearchRepository } from '../search/trademark-search.repository';
import type { ScoredResult } from '../search/search.types';
import { WatchesRepository, type WatchRecord } from './watches.repository';

/** How many candidates a watch run considers (scored, then kept above the threshold). */
const WATCH_CANDIDATES = 200;

/** A watch as its owner sees it. */
export type WatchView = Omit<WatchRecord, 'userId'>;

export interface WatchRunSummary {
  watches: number;
  newConflicts: number;
}

function view(w: WatchRecord): WatchView {
  return { id: w.id, mark: w.mark, classes: w.classes, threshold: w.threshold, active: w.active, lastRunAt: w.lastRunAt, createdAt: w.createdAt };
}

/**
 * Watches: a mark a user monitors. Creating one records the conflicts the registry already
 * holds (the baseline, not reported); each run reports, once, every conflict above the
 * threshold that was not recorded before — records imported or changed since.
 */
@Injectable()
export class WatchesService {
  private readonly logger = new Logger(WatchesService.name);

  constructor(
    private readonly watches: WatchesRepository,
    private readonly search: TrademarkSearchRepository,
    private readonly transactions: TransactionRunner,
    private readonly notifications: NotificationsService,
  ) {}

  async create(userId: string, input: { mark: string; classes: number[]; threshold?: number }): Promise<WatchView> {
    return this.transactions.run(async (transaction) => {
      const watch = await this.watches.create(
        { userId, mark: input.mark, classes: [...new Set(input.classes)].sort((a, b) => a - b), threshold: input.threshold ?? 70 },
        transaction,
      );
      const conflicts = await this.conflicts(watch, transaction);
      await this.watches.recordHits(watch.id, conflicts.map((c) => ({ serialNumber: c.record.serialNumber, score: c.score })), true, transaction);
      const now = new Date();
      await this.watches.markRun(watch.id, now, transaction);
      return view({ ...watch, lastRunAt: now });
    });
  }

  async list(userId: string, limit: number, cursor?: string): Promise<Page<WatchView>> {
    const rows = await this.watches.listForUser(userId, limit, decodeCursor(cursor));
    const page = toPage(rows, limit, (r) => r.position);
    return { data: page.data.map((r) => view(r.watch)), nextCursor: page.nextCursor };
  }

  /** Another user's watch id answers 404, like a missing one. */
  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.watches.deleteForUser(userId, id))) throw new NotFoundError('No watch of yours has this id');
  }

  /**
   * Runs every active watch; each new conflict above its threshold is recorded and its owner
   * notified in the same transaction, so a conflict is reported once and never twice.
   */
  async runWatches(now: Date = new Date()): Promise<WatchRunSummary> {
    let newConflicts = 0;
    const active = await this.watches.active();
    for (const watch of active) {
      newConflicts += await this.transactions.run(async (transaction) => {
        const conflicts = await this.conflicts(watch, transaction);
        const fresh = new Set(
          await this.watches.recordHits(watch.id, conflicts.map((c) => ({ serialNumber: c.record.serialNumber, score: c.score })), false, transaction),
        );
        for (const conflict of conflicts.filter((c) => fresh.has(c.record.serialNumber))) {
          await this.notifications.notify(
            watch.userId,
            {
              type: 'trademark-watch',
              title: `Possible conflict with your watched mark ${watch.mark}`,
              body: `${conflict.record.mark ?? conflict.record.serialNumber} (serial ${conflict.record.serialNumber}) scores ${conflict.score} (${conflict.risk} risk): ${conflict.reasons.map((r) => r.detail).join('; ')}`,
              data: { watchId: watch.id, serialNumber: conflict.record.serialNumber, score: conflict.score, risk: conflict.risk, reasons: conflict.reasons },
            },
            { transaction },
          );
        }
        await this.watches.markRun(watch.id, now, transaction);
        return fresh.size;
      });
    }
    if (newConflicts > 0) this.logger.log(`Watches: ${newConflicts} new conflict(s) over ${active.length} watch(es)`);
    return { watches: active.length, newConflicts };
  }

  private async conflicts(watch: WatchRecord, transaction: DbTransaction): Promise<ScoredResult[]> {
    const query = prepareQuery(watch.mark, watch.classes);
    if (query.normalized === '') return [];
    const candidates = await this.search.findCandidates(
      { normalized: query.normalized, keys: query.keys, words: containmentWords(query.words), classes: watch.classes, status: 'live' },
      transaction,
    );
    return rankCandidates(query, candidates, WATCH_CANDIDATES, watch.threshold);
  }
}
