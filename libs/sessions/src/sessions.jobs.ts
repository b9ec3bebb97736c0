import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { SESSIONS_CONFIG, type SessionsConfig } from './sessions.config';
import { SessionsService } from './sessions.service';

/** `session-purge` (JOB_SESSION_PURGE_CRON, hourly): deletes sessions ended longer ago than SESSION_RETENTION_DAYS. */
@Injectable()
export class SessionsJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly sessions: SessionsService,
    @InjectConfig(SESSIONS_CONFIG) private readonly config: SessionsConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'session-purge',
      schedule: this.config.purgeSchedule,
      description: 'Delete sessions that ended more than SESSION_RETENTION_DAYS ago',
      run: async ({ tick }) => ({ details: { purged: await this.sessions.purgeExpired(tick) } }),
    });
  }
}
