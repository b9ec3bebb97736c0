import { Module } from '@nestjs/common';
import { ApiLogPartitionsJob } from './api-log-partitions.job';
import { SessionPurgeJob } from './session-purge.job';

/**
 * The housekeeping jobs of the identity and auditing libs (SessionsService.purgeExpired,
 * ApiLogService.maintainPartitions). They live here, as thin wrappers over those libs' public
 * services, so that libs/jobs itself stays free of feature dependencies: import this module in
 * every app that imports identityModules() and JobsModule.
 *
 * `trademark-watches` (JOB_TRADEMARK_WATCHES_CRON) is not wired: there is no trademarks lib yet.
 * It belongs in that lib, registered with JobsService the same way.
 */
@Module({ providers: [SessionPurgeJob, ApiLogPartitionsJob] })
export class MaintenanceJobsModule {}
