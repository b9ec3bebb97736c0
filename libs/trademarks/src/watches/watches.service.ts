import { Injectable, Logger } from '@nestjs/common';
import { decodeCursor, NotFoundError, toPage, type Page } from '@app/common';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { prepareQuery, rankCandidates } from '../search/scoring.util';
import { candidateQueryOf, TrademarkSearchRepository } from '../search/trademark-search.repository';
import type { ScoredResult } from '../search/search.types';
import { decodeHitCursor, encodeHitCursor, type HitPosition } from './hit-cursor.util';
import { DuplicateWatchError } from './watches.errors';
import { WatchesRepository, type NewHit, type WatchChanges, type WatchHitRecord, type WatchRecord } from './watches.repository';

/** How many candidates a watch run considers (scored, then kept above the threshold). */
const WATCH_CANDIDATES = 200;

/** How many of the conflicts found at creation the creation answer shows (the rest: GET .../hits). */
export const CREATION_HITS_PAGE = 20;

/** A watch as its owner sees it. */
export type WatchView = Omit<WatchRecord, 'userId'>;

/** A conflict a watch found. */
export type WatchHitView = WatchHitRecord;

/** A new watch and the conflicts the registry already held when it was made. */
export interface CreatedWatch {
  watch: WatchView;
  /** How many conflicts above the threshold the registry already held. */
  existingConflictCount: number;
  /** The first page of them, strongest first; `nextCursor` continues at GET /watches/:id/hits. */
  existingConflicts: Page<WatchHitView>;
}

export interface WatchRunSummary {
  watches: number;
  newConflicts: number;
}

function view(w: WatchRecord): WatchView {
  const { userId: _owner, ...rest } = w;
  return rest;
}

/** A mark as a watch stores it: trimmed, inner whitespace runs as one space (so "ACME  CO" and "ACME CO" are one watch). */
export function watchMark(mark: string): string {
  return mark.trim().replace(/\s+/g, ' ');
}

/** Classes as a watch stores them: each once, ascending (the identity of a watch compares them as an array). */
export function watchClasses(classes: readonly number[]): number[] {
  return [...new Set(classes)].sort((a, b) => a - b);
}

function asHits(conflicts: ScoredResult[]): NewHit[] {
  return conflicts.map((c) => ({ serialNumber: c.record.serialNumber, score: c.score, risk: c.risk, reasons: c.reasons }));
}

/**
 * Watches: a mark a user monitors. One per mark (ignoring case) and class set: a second
 * identical watch answers 409. Creating one records the conflicts the registry already holds
 * (the baseline: shown in the answer and in the hits, never notified); each run reports, once,
 * every conflict above the threshold that was not recorded before — records imported or changed
 * since. Changing the classes or the threshold records the conflicts the new terms find in the
 * registry as baseline too, so a change never floods the owner with old filings.
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

  /** Creates a watch; DuplicateWatchError (409) when the user already watches this mark in these classes. */
  async create(userId: string, input: { mark: string; classes: number[]; threshold?: number }): Promise<CreatedWatch> {
    const mark = watchMark(input.mark);
    const classes = watchClasses(input.classes);
    return this.transactions.run(async (transaction) => {
      const created = await this.watches.create({ userId, mark, classes, threshold: input.threshold ?? 70 }, transaction);
      if (!created) {
        const existing = await this.watches.findIdentical(userId, mark, classes, transaction);
        throw new DuplicateWatchError(existing?.id);
      }
      const existingConflictCount = await this.recordBaseline(created, transaction);
      const now = new Date();
      await this.watches.markRun(created.id, now, transaction);
      const existingConflicts = await this.hitsPage(created.id, CREATION_HITS_PAGE, undefined, transaction);
      return { watch: view({ ...created, lastRunAt: now }), existingConflictCount, existingConflicts };
    });
  }

  /** One of the user's watches; another user's id answers 404, like a missing one. */
  async get(userId: string, id: string): Promise<WatchView> {
    const watch = await this.watches.findForUser(userId, id);
    if (!watch) throw new NotFoundError('No watch of yours has this id');
    return view(watch);
  }

  /**
   * Changes `active`, `threshold` and/or `classes`. New classes or a new threshold record the
   * conflicts the registry holds under the new terms as baseline (see the class comment).
   * 404 for another user's watch; 409 when new classes make it identical to another watch.
   */
  async update(userId: string, id: string, changes: WatchChanges): Promise<WatchView> {
    return this.transactions.run(async (transaction) => {
      // Locked: a concurrent watch run or PATCH waits, so the baseline matches the stored terms.
      const current = await this.watches.findForUser(userId, id, transaction, true);
      if (!current) throw new NotFoundError('No watch of yours has this id');
      const next: WatchChanges = { ...changes, ...(changes.classes ? { classes: watchClasses(changes.classes) } : {}) };
      if (next.classes && next.classes.join(',') !== current.classes.join(',')) {
        const other = await this.watches.findIdentical(userId, current.mark, next.classes, transaction);
        if (other && other.id !== id) throw new DuplicateWatchError(other.id);
      }
      const updated = await this.watches.updateForUser(userId, id, next, transaction);
      if (updated === 'duplicate') throw new DuplicateWatchError();
      if (!updated) throw new NotFoundError('No watch of yours has this id');
      if (updated.threshold !== current.threshold || updated.classes.join(',') !== current.classes.join(',')) {
        await this.recordBaseline(updated, transaction);
      }
      return view(updated);
    });
  }

  async list(userId: string, limit: number, cursor?: string): Promise<Page<WatchView>> {
    const rows = await this.watches.listForUser(userId, limit, decodeCursor(cursor));
    const page = toPage(rows, limit, (r) => r.position);
    return { data: page.data.map((r) => view(r.watch)), nextCursor: page.nextCursor };
  }

  /** The conflicts one of the user's watches found, newest first (strongest first within one run). */
  async hits(userId: string, id: string, limit: number, cursor?: string): Promise<Page<WatchHitView>> {
    const after = decodeHitCursor(cursor);
    if (!(await this.watches.findForUser(userId, id))) throw new NotFoundError('No watch of yours has this id');
    return this.hitsPage(id, limit, after);
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
        const fresh = new Set(await this.watches.recordHits(watch.id, asHits(conflicts), false, transaction));
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

  /** Records the conflicts the registry holds now as baseline hits (never notified); how many the watch has above its threshold. */
  private async recordBaseline(watch: WatchRecord, transaction: DbTransaction): Promise<number> {
    const conflicts = await this.conflicts(watch, transaction);
    await this.watches.recordHits(watch.id, asHits(conflicts), true, transaction);
    return conflicts.length;
  }

  private async hitsPage(watchId: string, limit: number, after: HitPosition | undefined, transaction?: DbTransaction): Promise<Page<WatchHitView>> {
    const rows = await this.watches.listHits(watchId, limit, after, transaction);
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data: data.map((r) => r.hit), nextCursor: rows.length > limit && last ? encodeHitCursor(last.position) : null };
  }

  /** The registry records that conflict with the watch above its threshold: the clearance search's candidates, statistics and scoring. */
  private async conflicts(watch: WatchRecord, transaction: DbTransaction): Promise<ScoredResult[]> {
    const query = prepareQuery(watch.mark, watch.classes);
    if (query.normalized === '') return [];
    const found = await this.search.findCandidatesWithStats(
      candidateQueryOf(query, watch.classes, 'live'),
      transaction,
    );
    return rankCandidates({ ...query, keyRecords: found.keyRecords }, found.candidates, WATCH_CANDIDATES, watch.threshold);
  }
}
