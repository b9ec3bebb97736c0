import { Command, CommandRunner } from 'nest-commander';
import { JobsScheduler, JobsService, type JobRunRecord, type TickResult } from '@app/jobs';

function describeRun(run: JobRunRecord): string {
  const ms = run.finishedAt ? `${run.finishedAt.getTime() - run.startedAt.getTime()} ms` : 'running';
  const details = run.details ? ` ${JSON.stringify(run.details)}` : '';
  return `${run.outcome} in ${ms}${run.error ? `: ${run.error}` : ''}${details}`;
}

/** `jobs:run <name>`: runs one job now, recorded in job_runs with tick = now; exit 1 when it fails. */
@Command({ name: 'jobs:run', arguments: '<name>', description: 'Run one scheduled job now (recorded in job_runs with tick = now)' })
export class JobsRunCommand extends CommandRunner {
  constructor(private readonly jobs: JobsService) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    const result: TickResult = await this.jobs.runNow(name);
    switch (result.status) {
      case 'ran':
        process.stdout.write(`${name}: ${describeRun(result.run)}\n`);
        if (result.run.outcome === 'failure') process.exitCode = 1;
        return;
      case 'skipped':
        process.stdout.write(`${name}: not run (${result.reason})\n`);
        return;
      case 'error':
        throw new Error(`${name}: could not be run: ${result.error}`);
    }
  }
}

/** `jobs:list`: every job with its schedule, next tick and newest run. */
@Command({ name: 'jobs:list', description: 'List the scheduled jobs: schedule (UTC), next tick, newest run' })
export class JobsListCommand extends CommandRunner {
  constructor(
    private readonly jobs: JobsService,
    private readonly scheduler: JobsScheduler,
  ) {
    super();
  }

  async run(): Promise<void> {
    const latest = new Map((await this.jobs.latestRuns()).map((run) => [run.job, run]));
    const lines = this.scheduler.nextRuns().map(({ name, schedule, next }) => {
      const run = latest.get(name);
      const last = run ? `last ${run.tick.toISOString()} ${describeRun(run)}` : 'never run';
      return `${name.padEnd(20)} ${(schedule ?? 'off').padEnd(16)} next ${next?.toISOString() ?? '-'.padEnd(24)}  ${last}`;
    });
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
