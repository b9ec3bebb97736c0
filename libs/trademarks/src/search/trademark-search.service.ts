import { Injectable, Optional } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { NotFoundError, type Page, SearchQuota } from '@app/common';
import { TransactionRunner } from '@app/database';
import { highestRisk, prepareQuery, rankCandidates, RISK_THRESHOLDS } from './scoring.util';
import { candidateQueryOf, TrademarkSearchRepository } from './trademark-search.repository';
import { SearchEvents } from './search-events';
import type { RiskLevel, ScoredResult, SearchHistoryItem, SearchInput, SearchOutcome } from './search.types';

export const DEFAULT_RESULT_LIMIT = 20;

/** Clearance search: candidates from the registry, scored and explained, stored in the history. */
@Injectable()
export class TrademarkSearchService {
  constructor(
    private readonly repository: TrademarkSearchRepository,
    private readonly transactions: TransactionRunner,
    private readonly events: SearchEvents,
    // Billing's quota, when the app composes it (the api does; the worker's watches only assess).
    @Optional() private readonly quota?: SearchQuota,
  ) {}

  /**
   * Searches the registry for marks that could conflict with `input.mark` and stores the search
   * (results snapshot) and its log entry in one transaction. `status` filters live/dead records
   * (all by default; live ones rank first); `classes` weigh the score, they do not filter.
   * Each search takes one unit of the user's quota (SearchQuota, 402 when it is used up).
   */
  async search(userId: string, input: SearchInput): Promise<SearchOutcome> {
    const started = performance.now();
    const classes = [...new Set(input.classes ?? [])].sort((a, b) => a - b);
    const status = input.status ?? 'all';
    // The ranking reads the registry only: outside the transaction, on a read replica when one
    // is in rotation. The transaction then holds a primary connection for the writes alone.
    const { normalized, results } = await this.rank({ ...input, classes, status });
    const outcome = await this.transactions.run(async (transaction) => {
      // One unit of the period's quota, in this transaction: a failed search gives it back.
      // Taken after the ranking so that concurrent searches of one user hold the usage row briefly.
      await this.quota?.consume(userId, transaction);
      const tookMs = Math.round(performance.now() - started);
      return this.repository.saveSearch(
        {
          userId,
          query: input.mark,
          normalizedQuery: normalized,
          classes,
          status,
          results,
          risk: highestRisk(results.map((r) => r.risk)),
          tookMs,
        },
        transaction,
      );
    });
    this.events.emit({ userId, search: outcome });
    return outcome;
  }

  /**
   * The same ranking as a search, for a mark the service itself considers (the alternatives a
   * recommendation offers): nothing is stored and no listener runs.
   */
  async assess(input: { mark: string; classes?: number[]; limit?: number }): Promise<{ risk: RiskLevel; results: ScoredResult[] }> {
    const classes = [...new Set(input.classes ?? [])].sort((a, b) => a - b);
    const { results } = await this.rank({ ...input, classes, status: 'all' });
    return { risk: highestRisk(results.map((r) => r.risk)), results };
  }

  private async rank(
    input: SearchInput & { classes: number[]; status: NonNullable<SearchInput['status']> },
  ): Promise<{ normalized: string; results: ScoredResult[] }> {
    const query = prepareQuery(input.mark, input.classes);
    const found =
      query.normalized === ''
        ? { candidates: [], keyRecords: new Map<string, number>() }
        : await this.repository.findCandidatesWithStats(
            candidateQueryOf(query, input.classes, input.status),
          );
    const limit = input.limit ?? DEFAULT_RESULT_LIMIT;
    // Records identical to the searched mark first, whatever their risk (dead, or in unrelated classes).
    const results = rankCandidates({ ...query, keyRecords: found.keyRecords }, found.candidates, limit, input.includeNone ? 0 : RISK_THRESHOLDS.low, true);
    return { normalized: query.normalized, results };
  }

  /** The user's search history, newest first. */
  list(userId: string, limit: number | undefined, cursor: string | undefined): Promise<Page<SearchHistoryItem>> {
    return this.repository.listForUser(userId, limit ?? 20, cursor);
  }

  /** One of the user's searches with its results snapshot; 404 for anyone else's. */
  async get(userId: string, id: string): Promise<SearchOutcome> {
    const search = await this.repository.findForUser(userId, id);
    if (!search) throw new NotFoundError('No search of yours has this id');
    return search;
  }
}
