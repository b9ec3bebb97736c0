import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApiLogService } from '@app/auditing';
import { AppConfigService } from '@app/config';
import { JobsService } from '../jobs.service';

/**
 * `api-log-partitions` (JOB_API_LOG_PARTITIONS_CRON, daily): creates this and next month's
 * api_logs partitions and drops those past API_LOG_RETENTION_DAYS.
 */
@Injectable()
export class ApiLogPartitionsJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly apiLogs: ApiLogService,
    private readonly config: AppConfigService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'api-log-partitions',
      schedule: this.config.jobs.schedules.apiLogPartitions,
      description: 'Create the coming api_logs partitions and drop those past API_LOG_RETENTION_DAYS',
      run: async ({ tick }) => {
        const { created, dropped, skipped } = await this.apiLogs.maintainPartitions(tick);
        // Skipped: another instance held the maintenance lock (the api also maintains at boot).
        return { outcome: skipped ? 'skipped' : 'success', details: { created, dropped } };
      },
    });
  }
}
