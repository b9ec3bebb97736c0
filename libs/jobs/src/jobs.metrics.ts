import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const JOB_RUNS_TOTAL = 'job_runs_total';
export const JOB_DURATION = 'job_duration_seconds';
export const JOB_LAST_SUCCESS = 'job_last_success_timestamp_seconds';

/** `outcome` of job_runs_total: a run's recorded outcome, or `skipped` when another instance had the tick. */
export type JobMetricOutcome = 'success' | 'failure' | 'skipped';

export const jobMetricProviders = [
  makeCounterProvider({
    name: JOB_RUNS_TOTAL,
    help: 'Ticks of scheduled jobs seen by this instance, by job and outcome: success or failure (ran here; failure also when the tick could not be attempted), skipped (another instance ran it, or the job found nothing to do).',
    labelNames: ['job', 'outcome'],
  }),
  makeHistogramProvider({
    name: JOB_DURATION,
    help: 'Duration of the job runs this instance executed, by job.',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  }),
  makeGaugeProvider({
    name: JOB_LAST_SUCCESS,
    help: 'Unix time at which the last successful run of the job finished (read from job_runs at start, then updated by the runs of this instance); take the max over instances.',
    labelNames: ['job'],
  }),
];
