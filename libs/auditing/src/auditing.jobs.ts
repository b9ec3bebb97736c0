import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { ApiLogService } from './api-log/api-log.service';
import { AuditService } from './audit-log/audit.service';
import { AUDITING_CONFIG, type AuditingConfig } from './auditing.config';

/**
 * `audit-checkpoint` (JOB_AUDIT_CHECKPOINT_CRON, every 5 minutes): writes a signed checkpoint of
 * the audit chain to AUDIT_DIGEST_DIR (skipped when nothing was added since the last one).
 * `api-log-partitions` (JOB_API_LOG_PARTITIONS_CRON, daily): creates this and next month's
 * api_logs partitions and drops those past API_LOG_RETENTION_DAYS.
 */
@Injectable()
export class AuditingJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly apiLogs: ApiLogService,
    private readonly audit: AuditService,
    @InjectConfig(AUDITING_CONFIG) private readonly config: AuditingConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'api-log-partitions',
      schedule: this.config.partitionsSchedule,
      description: 'Create the coming api_logs partitions and drop those past API_LOG_RETENTION_DAYS',
      run: async ({ tick }) => {
        const { created, dropped, skipped } = await this.apiLogs.maintainPartitions(tick);
        // Skipped: another instance held the maintenance lock (the api also maintains at boot).
        return { outcome: skipped ? 'skipped' : 'success', details: { created, dropped } };
      },
    });
    this.jobs.register({
      name: 'audit-checkpoint',
      schedule: this.config.checkpoints.schedule,
      description: 'Write a signed checkpoint of the audit chain (last seq, last hash, count) to AUDIT_DIGEST_DIR',
      run: async ({ tick }) => {
        const written = await this.audit.writeCheckpoint(tick);
        if (!written) return { outcome: 'skipped', details: { reason: 'no new audit events' } };
        const { lastSeq, count } = written.checkpoint;
        return { outcome: 'success', details: { lastSeq, count } };
      },
    });
  }
}
