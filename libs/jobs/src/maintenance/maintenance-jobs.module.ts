import { Module } from '@nestjs/common';
import { ApiLogPartitionsJob } from './api-log-partitions.job';
import { SessionPurgeJob } from './session-purge.job';
import { TrademarkWatchesJob } from './trademark-watches.job';

/**
 * The scheduled work of the feature libs (SessionsService.purgeExpired,
 * ApiLogService.maintainPartitions, WatchesService.runWatches), as thin wrappers over their
 * public services, so that libs/jobs itself stays free of feature dependencies: import this
 * module in every app that imports identityModules(), TrademarksModule and JobsModule.
 */
@Module({ providers: [SessionPurgeJob, ApiLogPartitionsJob, TrademarkWatchesJob] })
export class MaintenanceJobsModule {}
