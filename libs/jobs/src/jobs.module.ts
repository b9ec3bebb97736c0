import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SequelizeModule } from '@nestjs/sequelize';
import { LifecycleModule } from '@app/observability';
import { JobRunsRepository } from './job-runs.repository';
import { JOBS_MODULE_OPTIONS, type JobsModuleOptions } from './jobs.constants';
import { jobMetricProviders } from './jobs.metrics';
import { JobsScheduler } from './jobs.scheduler';
import { JobsService } from './jobs.service';
import { JOBS_MODELS } from './jobs.models';

/**
 * The job registry and runner (JobsService): a feature lib that has scheduled jobs imports this
 * module and registers them in its onModuleInit (see libs/sessions/src/sessions.jobs.ts).
 * Each app also imports `JobsModule.forRoot({ process })` once: the scheduler, which turns the
 * registered schedules into timers where SCHEDULER_ENABLED says so. Neither is global.
 */
@Module({
  imports: [SequelizeModule.forFeature(JOBS_MODELS), LifecycleModule],
  providers: [...jobMetricProviders, JobRunsRepository, JobsService],
  exports: [JobsService],
})
export class JobsModule {
  static forRoot(options: JobsModuleOptions): DynamicModule {
    return {
      module: JobsSchedulingModule,
      imports: [ScheduleModule.forRoot(), JobsModule],
      providers: [{ provide: JOBS_MODULE_OPTIONS, useValue: options }, JobsScheduler],
      exports: [JobsModule, JobsScheduler],
    };
  }
}

/** The scheduler of one app (api, worker or cli): see JobsModule.forRoot. */
@Module({})
export class JobsSchedulingModule {}
