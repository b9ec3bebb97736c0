import { Injectable, Logger } from '@nestjs/common';
import { MarkKeysProvider } from './mark-keys';
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

  constructor(
    private readonly records: TrademarkRecordsRepository,
    private readonly markKeys: MarkKeysProvider,
  ) {}

  async reanalyze(options: { batchSize?: number; onProgress?(progress: ReanalyzeProgress): void } = {}): Promise<ReanalyzeProgress> {
    const batchSize = options.batchSize ?? DEFAULT_REANALYZE_BATCH_SIZE;
    const started = Date.now();
    const progress: ReanalyzeProgress = { analyzed: 0, rekeyed: 0, total: await this.records.countToReanalyze(), elapsedMs: 0 };
    let after: string | null = null;
    for (;;) {
      const batch = await this.records.recordsToReanalyze(after, batchSize);
      if (batch.length === 0) break;
      const rows: RecordAnalysis[] = [];
      for (const record of batch) {
        const keys = this.markKeys.keysOf(record.mark);
        if (keys.analysis !== null) rows.push({ id: record.id, normalizedMark: keys.normalizedMark, phoneticKeys: keys.phoneticKeys, lookalikeKeys: keys.lookalikeKeys, analysis: keys.analysis });
      }
      const { rekeyed } = await this.records.storeAnalyses(rows);
      progress.analyzed += rows.length;
      progress.rekeyed += rekeyed;
      progress.elapsedMs = Date.now() - started;
      after = batch[batch.length - 1].id;
      options.onProgress?.({ ...progress });
    }
    progress.elapsedMs = Date.now() - started;
    this.logger.log(`Reanalyzed ${progress.analyzed} records (${progress.rekeyed} re-keyed) in ${(progress.elapsedMs / 1000).toFixed(1)} s`);
    return progress;
  }
}
