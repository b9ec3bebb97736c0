import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { TransactionRunner } from '@app/database';
import { SearchEvents, TrademarkSearchService, type CompletedSearch } from '@app/trademarks';
import { RecommendationsRepository } from '../recommendations.repository';
import { RECOMMENDATIONS_CONFIG, type RecommendationsConfig } from '../recommendations.config';
import { ADVICE_MODEL_VERSION, alternativeCandidates, classAdvice, riskSummary, watchAdvice, type Advice, type AdvisedSearch } from './clearance-advice';

/**
 * Stores clearance advice for the user after each committed search: a risk summary, related
 * classes, a watch offer, and for a medium or high risk up to RECOMMENDATIONS_MAX_ALTERNATIVES
 * alternatives that the same engine found clear or low risk. Runs after the search's response
 * (SearchEvents), in its own transaction with the `made` log rows. Alternatives cost up to a
 * dozen searches each, so they go through one lane; when RECOMMENDATIONS_ADVICE_QUEUE searches
 * already wait for it, the advice is stored without alternatives (and says so).
 */
@Injectable()
export class ClearanceAdviceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ClearanceAdvice');
  private lane: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private closing = false;

  constructor(
    private readonly events: SearchEvents,
    private readonly searches: TrademarkSearchService,
    private readonly repository: RecommendationsRepository,
    private readonly transactions: TransactionRunner,
    @InjectConfig(RECOMMENDATIONS_CONFIG) private readonly config: RecommendationsConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.adviceEnabled) this.events.subscribe((event) => this.advise(event));
  }

  /** On shutdown no further alternative is searched: pending advice is stored with what it has. */
  onModuleDestroy(): void {
    this.closing = true;
  }

  async advise({ userId, search }: CompletedSearch): Promise<void> {
    const advised: AdvisedSearch = search;
    const wantsAlternatives = (search.risk === 'medium' || search.risk === 'high') && this.config.maxAlternatives > 0;
    const alternatives = wantsAlternatives ? await this.inLane(() => this.alternatives(advised)) : [];
    const summary = riskSummary(advised);
    if (alternatives === 'busy') {
      summary.payload.alternatives = 'not searched: the service was busy';
      this.logger.warn({ searchId: search.id }, 'alternatives skipped: the advice lane is full');
    }
    const advice: Advice[] = [summary, ...classAdvice(advised)];
    const watch = watchAdvice(advised);
    if (watch) advice.push(watch);
    if (alternatives !== 'busy') advice.push(...alternatives);
    await this.transactions.run((transaction) =>
      this.repository.createMany(
        advice.map((a) => ({ userId, type: a.type, title: a.title, payload: a.payload, modelVersion: ADVICE_MODEL_VERSION })),
        transaction,
      ),
    );
  }

  private inLane<T>(work: () => Promise<T>): Promise<T | 'busy'> {
    if (this.waiting >= this.config.adviceQueue) return Promise.resolve('busy');
    this.waiting++;
    const run = this.lane.then(work).finally(() => this.waiting--);
    this.lane = run.catch(() => undefined);
    return run;
  }

  /** Candidate alternatives, each searched by the same engine; offered only when its own risk is none or low. */
  private async alternatives(search: AdvisedSearch): Promise<Advice[]> {
    const offered: Advice[] = [];
    for (const candidate of alternativeCandidates(search)) {
      if (offered.length >= this.config.maxAlternatives || this.closing) break;
      const checked = await this.searches.assess({ mark: candidate.mark, classes: search.classes, limit: 3 });
      if (checked.risk !== 'none' && checked.risk !== 'low') continue;
      offered.push({
        type: 'alternatives',
        title: `Consider "${candidate.mark}" instead of "${search.query}"`,
        payload: {
          searchId: search.id,
          query: search.query,
          mark: candidate.mark,
          kind: candidate.kind,
          detail: candidate.detail,
          evidence: {
            risk: checked.risk,
            classes: search.classes,
            checkedAt: new Date().toISOString(),
            closest: checked.results.map((r) => ({ serialNumber: r.record.serialNumber, mark: r.record.mark, score: r.score, risk: r.risk })),
          },
        },
      });
    }
    return offered;
  }
}
