import { Injectable, Logger } from '@nestjs/common';
import { markKeysOf } from './mark-keys';
import { type RecordAnalysis, TrademarkRecordsRepository } from './trademark-records.repository';

export const DEFAULT_REANALYZE_BATCH_SIZE = 2_000;

export interface ReanalyzeProgress {
  /** Records analyzed so far in this run. */
  analyzed: number;
  /** Of which the current rules gave other search keys (normalized mark or phonetic keys). */
  rekeyed: number;
  /** Records that needed an analysis when the run started. */
  total: number;
  elapsedMs: number;
  /** False when the run stopped early (maxBatches reached, or aborted) with records still to do. */
  done: boolean;
}

export interface ReanalyzeOptions {
  batchSize?: number;
  /** Stop after this many batches (a scheduled tick's share); the next run continues. */
  maxBatches?: number;
  /** Stop between batches once aborted (a worker shutting down). */
  signal?: AbortSignal;
  onProgress?(progress: ReanalyzeProgress): void;
}

/**
 * Backfills the stored analysis (trademark_mark_analyses) of records imported before it existed
 * or analyzed by another ANALYZER_VERSION, and re-keys them where the rules changed. Resumable and
 * idempotent: each batch is its own transaction, and only records without an analysis of the
 * current version are read, so a run that was stopped continues where it stopped and a finished
 * registry costs one query.
 */
@Injectable()
export class RegistryReanalyzeService {
  private readonly logger = new Logger(RegistryReanalyzeService.name);

  constructor(private readonly records: TrademarkRecordsRepository) {}

  /**
   * One method for `registry:reanalyze` (every batch) and the `registry-reanalyze` job (a bounded
   * number per tick). A registry with nothing to do costs one query that stops at the first record
   * found (anyToReanalyze), not a count.
   */
  async reanalyze(options: ReanalyzeOptions = {}): Promise<ReanalyzeProgress> {
    const batchSize = options.batchSize ?? DEFAULT_REANALYZE_BATCH_SIZE;
    const started = Date.now();
    if (!(await this.records.anyToReanalyze())) return { analyzed: 0, rekeyed: 0, total: 0, elapsedMs: Date.now() - started, done: true };
    const progress: ReanalyzeProgress = { analyzed: 0, rekeyed: 0, total: await this.records.countToReanalyze(), elapsedMs: 0, done: false };
    let batches = 0;
    let after: string | null = null;
    for (;;) {
      if (options.signal?.aborted || (options.maxBatches !== undefined && batches >= options.maxBatches)) break;
      const batch = await this.records.recordsToReanalyze(after, batchSize);
      if (batch.length === 0) {
        progress.done = true;
        break;
      }
      batches += 1;
      const rows: RecordAnalysis[] = [];
      for (const record of batch) {
        const keys = markKeysOf(record.mark);
        if (keys.analysis !== null) rows.push({ id: record.id, normalizedMark: keys.normalizedMark, phoneticKeys: keys.phoneticKeys, lookalikeKeys: keys.lookalikeKeys, analysis: keys.analysis });
      }
      const { rekeyed } = await this.records.storeAnalyses(rows);
      progress.analyzed += rows.length;
      progress.rekeyed += rekeyed;
      progress.elapsedMs = Date.now() - started;
      after = batch[batch.length - 1].id;
      options.onProgress?.({ ...progress });
      if (batch.length < batchSize) {
        progress.done = true;
        break;
      }
    }
    progress.elapsedMs = Date.now() - started;
    const left = progress.done ? 'none left' : `about ${Math.max(progress.total - progress.analyzed, 0)} left for the next run`;
    this.logger.log(`Reanalyzed ${progress.analyzed} of ${progress.total} records (${progress.rekeyed} re-keyed) in ${(progress.elapsedMs / 1000).toFixed(1)} s; ${left}`);
    return progress;
  }
}
