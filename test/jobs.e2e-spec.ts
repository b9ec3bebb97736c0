import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { Client } from 'pg';
import { JobsService, type JobContext, type JobDefinition, type TickResult } from '@app/jobs';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { lintExposition } from './support/metrics-lint';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { TestJobsModule } from './support/test-jobs.module';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const EVERY_SECOND = '*/1 * * * * *';

/** One instance: an api (HTTP) or a worker (application context), with the same job modules. */
interface Instance {
  kind: 'api' | 'worker';
  context: INestApplicationContext;
  jobs: JobsService;
  url?: string;
  close(): Promise<void>;
}

interface Execution {
  job: string;
  tick: number;
  instance: string;
}

interface JobRunRow {
  job: string;
  tick: Date;
  instance: string;
  outcome: string;
  error: string | null;
  details: Record<string, unknown> | null;
}

/** Scheduler on, the test's schedules; backups off (they would pg_dump into the repository's .data). */
const SCHEDULER_ENV = {
  SCHEDULER_ENABLED: 'true',
  JOB_SESSION_PURGE_CRON: EVERY_SECOND,
  JOB_API_LOG_PARTITIONS_CRON: 'off',
  JOB_AUDIT_CHECKPOINT_CRON: 'off',
  JOB_BACKUP_CRON: 'off',
  JOB_BACKUP_DRILL_CRON: 'off',
  SHUTDOWN_GRACE_MS: '2000',
};

/** Consecutive seconds from `from` to `to` (inclusive), as epoch milliseconds. */
function seconds(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / 1000) * 1000; t <= to; t += 1000) out.push(t);
  return out;
}

function duplicates(values: number[]): number[] {
  const seen = new Set<number>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

describe('scheduled jobs across instances (e2e)', () => {
  let db: TestDatabase;
  let sql: Client;
  const instances: Instance[] = [];
  const proxies: TcpProxy[] = [];
  const executions: Execution[] = [];
  /** Released in afterAll: the job that a killed instance never finishes. */
  let releaseHung: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => (releaseHung = resolve));

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    releaseHung();
    for (const instance of instances) await instance.close().catch(() => undefined);
    for (const proxy of proxies) await proxy.close();
    await sql?.end();
    await db?.drop();
  });

  async function startApi(definitions: JobDefinition[], databaseUrl = db.url): Promise<Instance> {
    const t: TestApp = await startTestApp({ databaseUrl, env: SCHEDULER_ENV, imports: [TestJobsModule.with(definitions)] });
    const instance: Instance = { kind: 'api', context: t.app, jobs: t.app.get(JobsService), url: t.url, close: () => t.close() };
    instances.push(instance);
    return instance;
  }

  async function startWorker(definitions: JobDefinition[], databaseUrl = db.url): Promise<Instance> {
    const env = { NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', DB_POOL_MIN: '0', DB_POOL_MAX: '5', ...SCHEDULER_ENV };
    const moduleRef = await Test.createTestingModule({ imports: [WorkerModule.register({ env }), TestJobsModule.with(definitions)] }).compile();
    // As the worker's main.ts does (the testing module would otherwise log errors to the console).
    moduleRef.useLogger(moduleRef.get(Logger));
    await moduleRef.init();
    let closed = false;
    const instance: Instance = {
      kind: 'worker',
      context: moduleRef,
      jobs: moduleRef.get(JobsService),
      close: async () => {
        if (closed) return;
        closed = true;
        await moduleRef.close();
      },
    };
    instances.push(instance);
    return instance;
  }

  /** Records each execution of the job's handler (all instances share this process). */
  function recorded(job: string, work: (context: JobContext) => Promise<void> = async () => undefined): JobDefinition {
    return {
      name: job,
      schedule: EVERY_SECOND,
      description: `test job ${job}`,
      run: async (context) => {
        executions.push({ job, tick: context.tick.getTime(), instance: context.instance });
        await work(context);
      },
    };
  }

  async function rows(job: string): Promise<JobRunRow[]> {
    const result = await sql.query<JobRunRow>('SELECT job, tick, instance, outcome, error, details FROM job_runs WHERE job = $1 ORDER BY tick', [job]);
    return result.rows;
  }

  const ticksOf = (job: string) => executions.filter((e) => e.job === job).map((e) => e.tick);

  it('three instances (two api, one worker) run each tick exactly once, record failures, and keep going', async () => {
    let flakyFailed = false;
    const definitions = [
      recorded('test-tick', () => sleep(Math.random() * 50)),
      recorded('test-flaky', async () => {
        if (!flakyFailed) {
          flakyFailed = true;
          throw new Error('flaky on purpose');
        }
      }),
    ];
    const a = await startApi(definitions);
    const b = await startApi(definitions);
    const c = await startWorker(definitions);
    const allUp = Date.now();
    await sleep(4_300);

    // The failure did not take anything down, and the metrics tell the story.
    expect((await fetch(`${a.url}/health/live`)).status).toBe(200);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(lintExposition(metrics)).toEqual([]);
    expect(Number(/^job_runs_total\{job="test-tick",outcome="success"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
    expect(Number(/^job_runs_total\{job="test-tick",outcome="skipped"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
    expect(metrics).toMatch(/^job_runs_total\{job="test-flaky",outcome="failure"\} 1$/m);
    expect(metrics).toMatch(/^job_duration_seconds_count\{job="test-tick"\} \d+$/m);
    const lastSuccess = Number(/^job_last_success_timestamp_seconds\{job="session-purge"\} (\S+)$/m.exec(metrics)?.[1]);
    expect(Math.abs(lastSuccess * 1000 - Date.now())).toBeLessThan(3_000);

    const stopping = Date.now();
    await Promise.all([a.close(), b.close(), c.close()]);
    const ticks = ticksOf('test-tick');

    // Exactly once: no tick ran twice, and every second while all three were up ran.
    expect(duplicates(ticks)).toEqual([]);
    // Every tick after all three were up and before they began to stop (with a little margin).
    const window = seconds(allUp + 200, stopping - 200);
    expect(window.length).toBeGreaterThanOrEqual(3);
    expect(window.filter((t) => !ticks.includes(t))).toEqual([]);

    // One row per execution, by the instance that ran it.
    const tickRows = await rows('test-tick');
    expect(tickRows.map((r) => [r.tick.getTime(), r.instance, r.outcome]).sort()).toEqual(
      executions.filter((e) => e.job === 'test-tick').map((e) => [e.tick, e.instance, 'success']).sort(),
    );
    expect(new Set(tickRows.map((r) => r.instance)).size).toBeGreaterThanOrEqual(1);

    // The real session-purge job, on the same one-second schedule: once per tick, no gaps.
    const purges = await rows('session-purge');
    expect(purges.every((r) => r.outcome === 'success' && r.details?.purged === 0)).toBe(true);
    const purgeTicks = purges.map((r) => r.tick.getTime());
    expect(window.filter((t) => !purgeTicks.includes(t))).toEqual([]);

    // The throwing job: recorded as a failure, and the very next tick ran and succeeded.
    const flaky = await rows('test-flaky');
    expect(flaky[0]).toMatchObject({ outcome: 'failure', error: 'flaky on purpose' });
    expect(flaky[1]).toMatchObject({ outcome: 'success', error: null });
    expect(flaky[1].tick.getTime() - flaky[0].tick.getTime()).toBe(1_000);
    expect(flaky.slice(1).every((r) => r.outcome === 'success')).toBe(true);
  });

  it('a tick one instance has run is skipped by every other, even once its lock is free', async () => {
    let calls = 0;
    const manual: JobDefinition = {
      name: 'test-once',
      schedule: null,
      description: 'runs only when called',
      run: async () => {
        calls += 1;
        await sleep(100);
        return { details: { calls } };
      },
    };
    const b = await startApi([manual]);
    const c = await startWorker([manual]);
    const tick = new Date(Date.UTC(2030, 0, 1, 0, 0, 0));

    const first = await b.jobs.runTick('test-once', tick, 'schedule');
    expect(first).toMatchObject({ status: 'ran', run: { outcome: 'success', details: { calls: 1 } } });
    // The lock is free again: only the row says the tick is done.
    expect(await c.jobs.runTick('test-once', tick, 'schedule')).toEqual({ status: 'skipped', reason: 'already-run' });

    // Racing for a new tick: one runs it, the others lose the lock or find the row.
    const next = new Date(tick.getTime() + 1_000);
    const results: TickResult[] = await Promise.all([b, c, b, c].map((i) => i.jobs.runTick('test-once', next, 'schedule')));
    expect(results.filter((r) => r.status === 'ran')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'skipped')).toHaveLength(3);
    expect(calls).toBe(2);
    expect((await sql.query(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'test-once'`)).rows[0].n).toBe(2);

    // A manual run (jobs:run) is its own tick, "now".
    const manualRun = await c.jobs.runNow('test-once');
    expect(manualRun).toMatchObject({ status: 'ran', run: { trigger: 'manual', outcome: 'success' } });
    await expect(c.jobs.runNow('no-such-job')).rejects.toThrow(/No job is named "no-such-job"/);
  });

  it('an instance closed mid-job lets the job finish before it stops, and takes no new tick', async () => {
    const finished: string[] = [];
    const slow: JobDefinition = {
      name: 'test-drain',
      schedule: null,
      description: 'slow',
      run: async ({ instance }) => {
        await sleep(800);
        finished.push(instance);
      },
    };
    const c = await startWorker([slow]);
    const running = c.jobs.runNow('test-drain');
    await sleep(100);
    const closing = Date.now();
    await c.close();
    expect(Date.now() - closing).toBeGreaterThanOrEqual(600);
    expect(await running).toMatchObject({ status: 'ran', run: { outcome: 'success' } });
    expect(finished).toEqual([c.jobs.instance]);
    expect(await c.jobs.runTick('test-drain', new Date(), 'schedule')).toEqual({ status: 'skipped', reason: 'stopping' });
  });

  it('an instance killed mid-job: its lock goes with its connection, the others carry on, no tick runs twice', async () => {
    let victim: { instance: string; tick: number } | undefined;
    let victimStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (victimStarted = resolve));
    let victimInstance = '';
    const definitions = [
      recorded('test-slow', async ({ instance, tick }) => {
        if (instance === victimInstance && !victim) {
          victim = { instance, tick: tick.getTime() };
          victimStarted();
          await hung; // never finishes while the test runs: the process "dies" first
          return;
        }
        await sleep(100);
      }),
    ];
    // The victim talks to the database through a proxy, so that it can be cut off as if it died.
    const proxy = await startTcpProxy(db.url);
    proxies.push(proxy);
    const a = await startApi(definitions, proxy.via(db.url));
    victimInstance = a.jobs.instance;
    await started;
    const b = await startApi(definitions);
    const c = await startWorker(definitions);
    await sleep(1_200);

    // The victim's run holds its tick: nobody else ran that tick.
    const hungTick = victim!.tick;
    expect(executions.filter((e) => e.job === 'test-slow' && e.tick === hungTick)).toHaveLength(1);
    const killedAt = Date.now();
    await proxy.cut();
    await sleep(3_200);

    // The row of the killed run is found abandoned (its lock went with the connection)...
    const abandoned = await b.jobs.sweepAbandoned();
    expect(abandoned.map((r) => [r.job, r.tick.getTime(), r.instance])).toEqual([['test-slow', hungTick, victimInstance]]);
    const stopping = Date.now();
    await Promise.all([b.close(), c.close()]);

    // ...and not run again; every tick since the kill ran once, on the survivors.
    const ticks = ticksOf('test-slow');
    expect(duplicates(ticks)).toEqual([]);
    const afterKill = seconds(killedAt + 200, stopping - 200);
    expect(afterKill.filter((t) => !ticks.includes(t))).toEqual([]);
    const survivors = new Set([b.jobs.instance, c.jobs.instance]);
    expect(executions.filter((e) => e.job === 'test-slow' && e.tick > killedAt).every((e) => survivors.has(e.instance))).toBe(true);
    expect(executions.filter((e) => e.job === 'test-slow' && e.tick > killedAt).length).toBeGreaterThanOrEqual(3);

    const slowRows = await rows('test-slow');
    expect(slowRows.filter((r) => r.outcome === 'abandoned').map((r) => r.tick.getTime())).toEqual([hungTick]);
    expect(slowRows.find((r) => r.outcome === 'abandoned')?.error).toMatch(/stopped or lost its database connection/);
    expect(slowRows.filter((r) => r.outcome !== 'abandoned').every((r) => r.outcome === 'success')).toBe(true);
  });
});
