import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { TRADEMARKS_CONFIG, type TrademarksConfig } from './trademarks.config';
import { WatchesService } from './watches/watches.service';

/** `trademark-watches` (JOB_TRADEMARK_WATCHES_CRON, hourly): reports new conflicts of every active watch, once each. */
@Injectable()
export class TrademarksJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly watches: WatchesService,
    @InjectConfig(TRADEMARKS_CONFIG) private readonly config: TrademarksConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'trademark-watches',
      schedule: this.config.watchesSchedule,
      description: 'Run every active trademark watch and notify new conflicts',
      run: async ({ tick }) => ({ outcome: 'success', details: { ...(await this.watches.runWatches(tick)) } }),
    });
  }
}
