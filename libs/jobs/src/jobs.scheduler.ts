import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { loggableError } from '@app/common';
import { AppConfigService, InjectConfig } from '@app/config';
import { JOBS_CONFIG, type JobsConfig } from './jobs.config';
import { nextOccurrence, parseSchedule, SCHEDULE_TIME_ZONE, scheduledTick } from './cron-schedule.util';
import { JOBS_MODULE_OPTIONS, schedulerEnabled, type JobsModuleOptions } from './jobs.constants';
import { JobsService } from './jobs.service';
import type { JobDefinition } from './jobs.types';

const CRON_PREFIX = 'job:';
/** How often each scheduling instance looks for runs abandoned by a dead instance. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Turns the registered jobs' schedules into @nestjs/schedule cron timers (in UTC), when this
 * process runs the scheduler. Each timer only computes its tick and hands it to JobsService,
 * which decides (through PostgreSQL) whether this instance runs it.
 */
@Injectable()
export class JobsScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobsScheduler.name);
  private readonly names: string[] = [];
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobsService,
    private readonly registry: SchedulerRegistry,
    private readonly config: AppConfigService,
    @InjectConfig(JOBS_CONFIG) private readonly settings: JobsConfig,
    @Inject(JOBS_MODULE_OPTIONS) private readonly options: JobsModuleOptions,
  ) {
    jobs.nameProcess(options.process);
  }

  get enabled(): boolean {
    return schedulerEnabled(this.options.process, this.config.env, this.settings.schedulerEnabled);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.jobs.freeze();
    if (!this.enabled) {
      if (this.options.process !== 'cli') this.logger.log('Scheduler disabled on this instance (SCHEDULER_ENABLED)');
      return;
    }
    try {
      await this.jobs.loadLastSuccesses();
      await this.jobs.sweepAbandoned();
    } catch (error) {
      // Not fatal: both are repeated (the gauge by the next success, the sweep every minute).
      this.logger.warn({ err: loggableError(error) }, 'Could not read job history at start');
    }
    const scheduled: string[] = [];
    for (const job of this.jobs.definitions()) {
      if (job.schedule === null) continue;
      this.start(job, job.schedule);
      scheduled.push(`${job.name} (${job.schedule})`);
    }
    this.sweeper = setInterval(() => {
      this.jobs.sweepAbandoned().catch((error: unknown) => {
        this.logger.warn({ err: loggableError(error) }, 'Could not look for abandoned job runs');
      });
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.logger.log(`Scheduler started on ${this.jobs.instance}: ${scheduled.join(', ') || 'no scheduled jobs'}`);
  }

  /** Stops taking ticks, first thing on shutdown; running jobs are drained by JobsService. */
  async onModuleDestroy(): Promise<void> {
    this.jobs.stopTakingTicks();
    clearInterval(this.sweeper);
    for (const name of this.names.splice(0)) {
      const cron = this.registry.doesExist('cron', name) ? this.registry.getCronJob(name) : undefined;
      if (!cron) continue;
      await cron.stop();
      this.registry.deleteCronJob(name);
    }
  }

  /** The next time each scheduled job is due (UTC), for `jobs:list` and logs. */
  nextRuns(from = new Date()): Array<{ name: string; schedule: string | null; next: Date | null }> {
    return this.jobs.definitions().map((job) => ({
      name: job.name,
      schedule: job.schedule,
      next: job.schedule === null ? null : nextOccurrence(parseSchedule(job.schedule), from),
    }));
  }

  private start(job: JobDefinition, expression: string): void {
    const schedule = parseSchedule(expression);
    const name = `${CRON_PREFIX}${job.name}`;
    const cron = CronJob.from({
      cronTime: expression,
      timeZone: SCHEDULE_TIME_ZONE,
      name,
      start: false,
      onTick: () => {
        const tick = scheduledTick(schedule, new Date());
        this.jobs.runTick(job.name, tick, 'schedule').catch((error: unknown) => {
          this.logger.error({ err: loggableError(error), job: job.name }, 'Job tick failed unexpectedly');
        });
      },
    });
    this.registry.addCronJob(name, cron);
    this.names.push(name);
    cron.start();
  }
}
