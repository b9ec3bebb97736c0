import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { NotFoundError, type Page } from '@app/common';
import { TransactionRunner } from '@app/database';
import { highestRisk, prepareQuery, rankCandidates, RISK_THRESHOLDS } from './scoring.util';
import { containmentWords, TrademarkSearchRepository } from './trademark-search.repository';
import type { SearchHistoryItem, SearchInput, SearchOutcome } from './search.types';

export const DEFAULT_RESULT_LIMIT = 20;

/** Clearance search: candidates from the registry, scored and explained, stored in the history. */
@Injectable()
export class TrademarkSearchService {
  constructor(
    private readonly repository: TrademarkSearchRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Searches the registry for marks that could conflict with `input.mark` and stores the search
   * (results snapshot) and its log entry in one transaction. `status` filters live/dead records
   * (all by default; live ones rank first); `classes` weigh the score, they do not filter.
   */
  async search(userId: string, input: SearchInput): Promise<SearchOutcome> {
    const started = performance.now();
    const classes = [...new Set(input.classes ?? [])].sort((a, b) => a - b);
    const status = input.status ?? 'all';
    const query = prepareQuery(input.mark, classes);
    const limit = input.limit ?? DEFAULT_RESULT_LIMIT;
    return this.transactions.run(async (transaction) => {
      const found =
        query.normalized === ''
          ? { candidates: [], keyRecords: new Map<string, number>() }
          : await this.repository.findCandidatesWithStats(
              {
                normalized: query.normalized,
                keys: query.keys,
                words: containmentWords(query.words),
                classes,
                status,
              },
              transaction,
            );
      const results = rankCandidates({ ...query, keyRecords: found.keyRecords }, found.candidates, limit, input.includeNone ? 0 : RISK_THRESHOLDS.low);
      const tookMs = Math.round(performance.now() - started);
      return this.repository.saveSearch(
        {
          userId,
          query: input.mark,
          normalizedQuery: query.normalized,
          classes,
          status,
          results,
          risk: highestRisk(results.map((r) => r.risk)),
          tookMs,
        },
        transaction,
      );
    });
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
