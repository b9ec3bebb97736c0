import { Injectable } from '@nestjs/common';
import { NotFoundError, ConflictError, decodeCursor, toPage, type Page } from '@app/common';
import { TransactionRunner } from '@app/database';
import { WatchesService } from '@app/trademarks';
import { ClassRecommenderService, type ClassSuggestion } from './class-recommender.service';
import { contentLemmas } from './classes/text';
import { applyFeedback, feedbackShifts, type PastAnswer } from './feedback.util';
import { RecommendationsRepository } from './recommendations.repository';
import type { RecommendationRecord, RecommendationStatsRow, RecommendationStatus, RecommendationType } from './recommendations.types';

/** How many of the user's latest answers feed the re-ranking of class suggestions. */
export const FEEDBACK_HISTORY = 200;

/** Recommendations of a user: class suggestions (stored, answerable), their answers and their log. */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly repository: RecommendationsRepository,
    private readonly transactions: TransactionRunner,
    private readonly classes: ClassRecommenderService,
    private readonly watches: WatchesService,
  ) {}

  /**
   * The Nice classes of a description, re-ranked by the user's answers to suggestions for similar
   * descriptions (bounded: feedback.util.ts), each stored as a `nice-class` recommendation that
   * the user can accept or dismiss; the `made` log rows go in the same transaction.
   */
  async suggestClasses(userId: string, description: string): Promise<{ suggestions: Array<ClassSuggestion & { id: string }>; modelVersion: string }> {
    const base = this.classes.suggest(description);
    const lemmas = contentLemmas(description);
    const history: PastAnswer[] = (await this.repository.answeredClassSuggestions(userId, FEEDBACK_HISTORY)).map((r) => ({
      class: Number(r.payload.class),
      accepted: r.status === 'accepted',
      lemmas: (r.payload.lemmas as string[] | undefined) ?? [],
    }));
    const ranked = applyFeedback(base.suggestions, feedbackShifts(lemmas, history));
    const stored = await this.transactions.run((transaction) =>
      this.repository.createMany(
        ranked.map((s) => ({
          userId,
          type: 'nice-class' as const,
          title: `Class ${s.class} for "${description.slice(0, 80)}"`,
          payload: { description, lemmas, class: s.class, confidence: s.confidence },
          modelVersion: base.modelVersion,
        })),
        transaction,
      ),
    );
    return { modelVersion: base.modelVersion, suggestions: ranked.map((s, i) => ({ id: stored[i]!.id, ...s })) };
  }

  /** A page of the user's recommendations, newest first; each listed one gets a `shown` log row. */
  list(userId: string, filter: { status?: RecommendationStatus; type?: RecommendationType }, limit: number, cursor?: string): Promise<Page<RecommendationRecord>> {
    const after = decodeCursor(cursor);
    return this.transactions.run(async (transaction) => {
      const rows = await this.repository.listForUser(userId, filter, limit, after, transaction);
      const page = toPage(rows, limit, (row) => row.position);
      const records = page.data.map((row) => row.record);
      await this.repository.log(records, 'shown', transaction);
      return { data: records, nextCursor: page.nextCursor };
    });
  }

  /**
   * Accepts or dismisses one of the user's recommendations (404 for anyone else's, 409 once
   * answered otherwise). Accepting a `watch` offer creates the watch (an existing identical watch
   * counts as done) before the answer is recorded, so an accepted offer always has its watch.
   */
  async answer(userId: string, id: string, answer: 'accepted' | 'dismissed', now = new Date()): Promise<void> {
    if (answer === 'accepted') {
      const record = await this.repository.findForUser(userId, id);
      if (!record) throw new NotFoundError('No recommendation of yours has this id');
      if (record.type === 'watch' && record.status === 'new') await this.createWatch(userId, record.payload);
    }
    await this.transactions.run(async (transaction) => {
      const record = await this.repository.findForUpdate(userId, id, transaction);
      if (!record) throw new NotFoundError('No recommendation of yours has this id');
      if (record.status === answer) return;
      if (record.status !== 'new') throw new ConflictError(`This recommendation is already ${record.status}`);
      await this.repository.setStatus(id, answer, now, transaction);
      await this.repository.log([record], answer, transaction);
    });
  }

  private async createWatch(userId: string, payload: Record<string, unknown>): Promise<void> {
    const mark = String(payload.mark ?? '');
    const classes = Array.isArray(payload.classes) ? payload.classes.map(Number) : [];
    try {
      await this.watches.create(userId, { mark, classes });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // already watched: the offer is fulfilled
    }
  }

  /** Acceptance by type and model version, from the log. */
  async stats(): Promise<RecommendationStatsRow[]> {
    const rows = new Map<string, RecommendationStatsRow>();
    for (const s of await this.repository.stats()) {
      const key = `${s.type}\u0000${s.modelVersion}`;
      const row = rows.get(key) ?? { type: s.type, modelVersion: s.modelVersion, made: 0, shown: 0, accepted: 0, dismissed: 0, acceptanceRate: null };
      row[s.action] += s.count;
      rows.set(key, row);
    }
    return [...rows.values()].map((r) => ({ ...r, acceptanceRate: r.made > 0 ? Math.round((r.accepted / r.made) * 1000) / 1000 : null }));
  }
}
