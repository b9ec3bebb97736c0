// Why: one row per run of a scheduled job, owned by libs/jobs; the unique (job, tick) key is what makes a tick run once across instances.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE job_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      job text NOT NULL,
      tick timestamptz NOT NULL,
      instance text NOT NULL,
      trigger text NOT NULL CONSTRAINT job_runs_trigger_check CHECK (trigger IN ('schedule', 'manual')),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz NULL,
      outcome text NOT NULL DEFAULT 'running'
        CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('running', 'success', 'failure', 'skipped', 'abandoned')),
      error text NULL,
      details jsonb NULL,
      -- The instance that inserts this row for a tick runs it; every other one skips it, including
      -- one that takes the tick's advisory lock after the first has finished and released it.
      CONSTRAINT job_runs_job_tick_key UNIQUE (job, tick)
    )`);
  // Finding runs whose instance died mid-job (JobsService.sweepAbandoned): few rows, read often.
  await sql(`CREATE INDEX job_runs_running_idx ON job_runs (started_at) WHERE outcome = 'running'`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP TABLE job_runs');
};
