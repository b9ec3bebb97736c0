import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { TRADEMARKS_CONFIG, type TrademarksConfig } from './trademarks.config';
import { DEFAULT_REANALYZE_BATCH_SIZE, RegistryReanalyzeService } from './registry/registry-reanalyze.service';
import { WatchesService } from './watches/watches.service';

/** Batches of DEFAULT_REANALYZE_BATCH_SIZE records per `registry-reanalyze` tick: a few seconds of work, then the next tick goes on. */
export const REANALYZE_BATCHES_PER_TICK = 10;

/**
 * `trademark-watches` (JOB_TRADEMARK_WATCHES_CRON, hourly): reports new conflicts of every active watch, once each.
 * `registry-reanalyze` (JOB_REGISTRY_REANALYZE_CRON, every 5 minutes): what `registry:reanalyze` does, a
 * bounded share per tick, so records stored before their analysis (an upgrade) or by an older
 * ANALYZER_VERSION get their analysis and look-alike keys without an operator; skipped when all are current.
 */
@Injectable()
export class TrademarksJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly watches: WatchesService,
    private readonly reanalyzer: RegistryReanalyzeService,
    @InjectConfig(TRADEMARKS_CONFIG) private readonly config: TrademarksConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'trademark-watches',
      schedule: this.config.watchesSchedule,
      description: 'Run every active trademark watch and notify new conflicts',
      run: async ({ tick }) => ({ outcome: 'success', details: { ...(await this.watches.runWatches(tick)) } }),
    });
    this.jobs.register({
      name: 'registry-reanalyze',
      schedule: this.config.reanalyzeSchedule,
      description: 'Store the current analysis and search keys of registry records that lack them, a bounded number per tick',
      run: async ({ signal }) => {
        const { analyzed, rekeyed, total, done } = await this.reanalyzer.reanalyze({ batchSize: DEFAULT_REANALYZE_BATCH_SIZE, maxBatches: REANALYZE_BATCHES_PER_TICK, signal });
        const details = { analyzed, rekeyed, remaining: done ? 0 : Math.max(total - analyzed, 0) };
        return { outcome: total === 0 ? 'skipped' : 'success', details };
      },
    });
  }
}
