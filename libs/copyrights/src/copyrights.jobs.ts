import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { CopyrightTransfersService } from './copyright-transfers.service';
import { COPYRIGHTS_CONFIG, type CopyrightsConfig } from './copyrights.config';

/** `copyright-transfers-expiry` (JOB_COPYRIGHT_TRANSFERS_CRON, hourly): pending transfers older than 14 days expire. */
@Injectable()
export class CopyrightsJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly transfers: CopyrightTransfersService,
    @InjectConfig(COPYRIGHTS_CONFIG) private readonly config: CopyrightsConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'copyright-transfers-expiry',
      schedule: this.config.transferExpirySchedule,
      description: 'Expire pending copyright transfers 14 days after they were offered',
      run: async ({ tick }) => {
        const expired = await this.transfers.expireDue(tick);
        return expired > 0 ? { details: { expired } } : { outcome: 'skipped', details: { expired } };
      },
    });
  }
}
