import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfigService } from '@app/config';
import { SessionsService } from '@app/sessions';
import { JobsService } from '../jobs.service';

/** `session-purge` (JOB_SESSION_PURGE_CRON, hourly): deletes sessions ended longer ago than SESSION_RETENTION_DAYS. */
@Injectable()
export class SessionPurgeJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly sessions: SessionsService,
    private readonly config: AppConfigService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'session-purge',
      schedule: this.config.jobs.schedules.sessionPurge,
      description: 'Delete sessions that ended more than SESSION_RETENTION_DAYS ago',
      run: async ({ tick }) => ({ details: { purged: await this.sessions.purgeExpired(tick) } }),
    });
  }
}
