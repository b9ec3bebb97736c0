/** Which app hosts the jobs: each has its own default for SCHEDULER_ENABLED. */
export type JobsProcess = 'api' | 'worker' | 'cli';

/** `schedule`: a tick of the job's cron expression; `manual`: `jobs:run` or a test, tick = now. */
export type JobTrigger = 'schedule' | 'manual';

/**
 * A run's state in job_runs. `abandoned`: the instance running it stopped (or lost its database
 * connection) before recording an outcome; found by JobsService.sweepAbandoned.
 */
export type JobOutcome = 'running' | 'success' | 'failure' | 'skipped' | 'abandoned';

export interface JobContext {
  name: string;
  /** The scheduled time this run stands for. */
  tick: Date;
  trigger: JobTrigger;
  /** The job_runs row of this run. */
  runId: string;
  instance: string;
  /**
   * Aborted when the instance is shutting down and the job has run past the drain period: a job
   * that can stop early (kill a child process, stop between batches) should, and record why.
   */
  signal: AbortSignal;
}

export interface JobResult {
  /** `skipped` when the job found nothing to do (recorded as such); success by default. */
  outcome?: 'success' | 'skipped';
  /** Stored in job_runs.details (jsonb): counts, ids, whatever tells an operator what happened. */
  details?: Record<string, unknown>;
}

export interface JobDefinition {
  /** kebab-case; part of the lock key and of the metrics' `job` label. */
  name: string;
  /** Cron expression (five fields, or six with seconds first; UTC), or null when not scheduled. */
  schedule: string | null;
  description: string;
  /** The work. A throw is recorded as a failure and the next tick runs as usual. */
  run(context: JobContext): Promise<JobResult | void>;
}

export interface JobRunRecord {
  id: string;
  job: string;
  tick: Date;
  instance: string;
  trigger: JobTrigger;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: JobOutcome;
  error: string | null;
  details: Record<string, unknown> | null;
}

/** What one attempt at a tick came to on this instance. */
export type TickResult =
  /** This instance ran the tick; `run` is its finished job_runs row. */
  | { status: 'ran'; run: JobRunRecord }
  /**
   * Not run here: another instance holds the tick's lock (`locked`), or has already run it
   * (`already-run`), or this instance is shutting down (`stopping`).
   */
  | { status: 'skipped'; reason: 'locked' | 'already-run' | 'stopping' }
  /** The tick could not be attempted or its outcome not recorded (e.g. the database is down). */
  | { status: 'error'; error: string };
