import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SequelizeModule } from '@nestjs/sequelize';
import { JobRunsRepository } from './job-runs.repository';
import { JOBS_MODULE_OPTIONS, type JobsModuleOptions } from './jobs.constants';
import { jobMetricProviders } from './jobs.metrics';
import { JobsScheduler } from './jobs.scheduler';
import { JobsService } from './jobs.service';
import { JOBS_MODELS } from './jobs.models';

/**
 * Scheduled jobs run once per tick across every instance (see JobsService). Global: feature libs
 * register their jobs with JobsService without importing this module; each app imports it once,
 * saying which process it is.
 */
@Module({})
export class JobsModule {
  static forRoot(options: JobsModuleOptions): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [ScheduleModule.forRoot(), SequelizeModule.forFeature(JOBS_MODELS)],
      providers: [{ provide: JOBS_MODULE_OPTIONS, useValue: options }, ...jobMetricProviders, JobRunsRepository, JobsService, JobsScheduler],
      exports: [JobsService, JobsScheduler],
    };
  }
}
