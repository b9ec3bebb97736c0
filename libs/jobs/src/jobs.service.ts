import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { loggableError, InFlightWork } from '@app/common';
import { AppConfigService } from '@app/config';
import { AdvisoryLockService } from '@app/database';
import { LifecycleService } from '@app/observability';
import { parseSchedule } from './cron-schedule.util';
import { JobRunsRepository, jobLockKey } from './job-runs.repository';
import { UnknownJobError } from './jobs.errors';
import { JOB_DURATION, JOB_LAST_SUCCESS, JOB_RUNS_TOTAL, type JobMetricOutcome } from './jobs.metrics';
import type { JobDefinition, JobRunRecord, JobTrigger, TickResult } from './jobs.types';
import type { JobsModuleOptions } from './jobs.constants';

const JOB_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_ERROR_LENGTH = 2_000;
/** After the drain period and the abort signal, how long jobs get to record that they stopped. */
const ABORT_GRACE_MS = 1_000;


function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/**
 * The registry of scheduled jobs and the one way any of them runs: for a tick, take the
 * advisory lock `job:<name>:<tick>` (try once), insert the tick's job_runs row (ON CONFLICT DO
 * NOTHING), run, record the outcome. Whichever instance inserts the row runs the tick; all
 * others skip it, so any mix of api and worker instances runs each tick once. A job that throws
 * is recorded as a failure; nothing a job does can take the process down.
 *
 * Jobs register in their module's onModuleInit; JobsScheduler turns their schedules into timers.
 */
@Injectable()
export class JobsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  /** The app hosting the jobs (see nameProcess); part of `instance`. */
  private process: JobsModuleOptions['process'] | 'app' = 'app';
  /** A random part of `instance`: tests run several apps in one process. */
  private readonly instanceSuffix = randomBytes(2).toString('hex');
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly inFlight = new InFlightWork();
  private readonly shutdown = new AbortController();
  private stopping = false;
  private frozen = false;

  constructor(
    private readonly repository: JobRunsRepository,
    private readonly locks: AdvisoryLockService,
    private readonly config: AppConfigService,
    @InjectMetric(JOB_RUNS_TOTAL) private readonly runsTotal: Counter<string>,
    @InjectMetric(JOB_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(JOB_LAST_SUCCESS) private readonly lastSuccess: Gauge<string>,
    // From the first moment of the api's graceful shutdown (readiness 503, before the
    // SHUTDOWN_DELAY_MS wait) no new tick starts here. Nothing begins it in the worker, which
    // stops at close.
    private readonly lifecycle: LifecycleService,
  ) {}

  /** Names this process in job_runs.instance: host, pid, app (api, worker, cli) and a random part. */
  get instance(): string {
    return `${hostname()}:${process.pid}:${this.process}:${this.instanceSuffix}`;
  }

  /** Called by the app's JobsModule.forRoot (JobsScheduler), which knows which app this is. */
  nameProcess(name: JobsModuleOptions['process']): void {
    this.process = name;
  }

  /**
   * Adds a job. Call from onModuleInit: the scheduler reads the registry once, at application
   * bootstrap. Throws on a bad name, a duplicate or an invalid cron expression.
   */
  register(definition: JobDefinition): void {
    if (this.frozen) throw new Error(`Job "${definition.name}" registered after the scheduler started; register jobs in onModuleInit`);
    if (!JOB_NAME.test(definition.name)) throw new Error(`Job name "${definition.name}" must be kebab-case`);
    if (this.jobs.has(definition.name)) throw new Error(`Job "${definition.name}" is already registered`);
    if (definition.schedule !== null) parseSchedule(definition.schedule);
    this.jobs.set(definition.name, definition);
  }

  definitions(): JobDefinition[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Called by the scheduler when it starts: the registry is final from here on. */
  freeze(): void {
    this.frozen = true;
  }

  /** Runs a job now, outside its schedule (`jobs:run`), recorded with tick = now. */
  runNow(name: string): Promise<TickResult> {
    return this.runTick(name, new Date(), 'manual');
  }

  /**
   * Attempts one tick of a job on this instance. Never throws for the job's own failure (that
   * is the recorded outcome); throws UnknownJobError for a name nobody registered.
   */
  async runTick(name: string, tick: Date, trigger: JobTrigger): Promise<TickResult> {
    const job = this.jobs.get(name);
    if (!job) throw new UnknownJobError(name, [...this.jobs.keys()].sort());
    if ((this.stopping || this.lifecycle.isShuttingDown) && trigger === 'schedule') return { status: 'skipped', reason: 'stopping' };
    return this.inFlight.track(this.attempt(job, tick, trigger));
  }

  /**
   * Marks abandoned every running row whose instance is gone (see JobRunsRepository.markAbandoned).
   * JobsScheduler runs it every minute on each instance that takes ticks.
   */
  async sweepAbandoned(): Promise<JobRunRecord[]> {
    const abandoned = await this.inFlight.track(
      this.repository.markAbandoned('the instance running this job stopped or lost its database connection before recording an outcome'),
    );
    for (const run of abandoned) {
      this.logger.warn({ job: run.job, tick: run.tick.toISOString(), instance: run.instance }, 'Job run abandoned by its instance');
    }
    return abandoned;
  }

  /** The newest run of each job that has run. */
  latestRuns(): Promise<JobRunRecord[]> {
    return this.repository.latestPerJob();
  }

  /** Sets the last-success gauge from job_runs, so that it survives restarts. */
  async loadLastSuccesses(): Promise<void> {
    const last = await this.repository.lastSuccesses([...this.jobs.keys()]);
    for (const [job, at] of last) this.lastSuccess.set({ job }, at.getTime() / 1000);
  }

  /** From now on scheduled ticks are refused; manual runs still go through. */
  stopTakingTicks(): void {
    this.stopping = true;
  }

  /**
   * Lets running jobs finish: waits up to half the shutdown grace period, then aborts their
   * signal and waits a moment more. A job still running after that keeps its advisory lock until
   * the process exits (PostgreSQL ends the session and the lock with it); its row is later marked
   * abandoned by another instance.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size === 0) return;
    const drainMs = Math.max(1_000, Math.floor(this.config.http.shutdownGraceMs / 2));
    this.logger.log(`Waiting up to ${drainMs} ms for ${this.inFlight.size} running job(s)`);
    if (await this.inFlight.settled(drainMs)) return;
    this.shutdown.abort(new Error('the instance is shutting down'));
    if (await this.inFlight.settled(ABORT_GRACE_MS)) return;
    this.logger.warn(`${this.inFlight.size} job(s) still running at shutdown; their locks are released when this process exits`);
  }



  private async attempt(job: JobDefinition, tick: Date, trigger: JobTrigger): Promise<TickResult> {
    let result: TickResult;
    try {
      const locked = await this.locks.withLock(jobLockKey(job.name, tick), async (): Promise<TickResult> => {
        // Shutdown began while this tick waited for its lock (a new session, slow on a loaded
        // machine): leave the tick unclaimed rather than start a run the drain may cut short.
        if ((this.stopping || this.lifecycle.isShuttingDown) && trigger === 'schedule') return { status: 'skipped', reason: 'stopping' };
        const run = await this.repository.claim({ job: job.name, tick, instance: this.instance, trigger });
        if (!run) return { status: 'skipped', reason: 'already-run' };
        return { status: 'ran', run: await this.execute(job, run) };
      });
      result = locked.acquired ? locked.result : { status: 'skipped', reason: 'locked' };
    } catch (error) {
      // The database, not the job: the lock, the claim or the outcome could not be written.
      this.logger.error({ err: loggableError(error), job: job.name, tick: tick.toISOString() }, 'Job tick could not be run or recorded');
      result = { status: 'error', error: describeError(error) };
    }
    this.count(job.name, result);
    return result;
  }

  private async execute(job: JobDefinition, run: JobRunRecord): Promise<JobRunRecord> {
    const started = process.hrtime.bigint();
    let outcome: 'success' | 'failure' | 'skipped' = 'success';
    let error: string | null = null;
    let details: Record<string, unknown> | null = null;
    try {
      const result = await job.run({
        name: job.name,
        tick: run.tick,
        trigger: run.trigger,
        runId: run.id,
        instance: this.instance,
        signal: this.shutdown.signal,
      });
      outcome = result?.outcome ?? 'success';
      details = result?.details ?? null;
    } catch (thrown) {
      outcome = 'failure';
      error = describeError(thrown);
      this.logger.warn({ err: loggableError(thrown), job: job.name, tick: run.tick.toISOString() }, 'Job failed');
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.duration.observe({ job: job.name }, seconds);
    const finished = await this.repository.finish(run.id, { outcome, error, details });
    if (outcome === 'success') {
      this.lastSuccess.set({ job: job.name }, (finished.finishedAt ?? new Date()).getTime() / 1000);
      this.logger.log({ job: job.name, tick: run.tick.toISOString(), ms: Math.round(seconds * 1000), details }, 'Job succeeded');
    }
    return finished;
  }

  private count(job: string, result: TickResult): void {
    const outcome: JobMetricOutcome =
      result.status === 'ran' ? (result.run.outcome === 'success' || result.run.outcome === 'skipped' ? result.run.outcome : 'failure') : result.status === 'skipped' ? 'skipped' : 'failure';
    this.runsTotal.inc({ job, outcome });
  }
}
