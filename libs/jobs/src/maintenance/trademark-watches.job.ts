import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfigService } from '@app/config';
import { WatchesService } from '@app/trademarks';
import { JobsService } from '../jobs.service';

/** `trademark-watches` (JOB_TRADEMARK_WATCHES_CRON, hourly): reports new conflicts of every active watch, once each. */
@Injectable()
export class TrademarkWatchesJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly watches: WatchesService,
    private readonly config: AppConfigService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'trademark-watches',
      schedule: this.config.jobs.schedules.trademarkWatches,
      description: 'Run every active trademark watch and notify new conflicts',
      run: async ({ tick }) => ({ outcome: 'success', details: { ...(await this.watches.runWatches(tick)) } }),
    });
  }
}
