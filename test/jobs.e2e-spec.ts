import type { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/sequelize';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { Sequelize } from 'sequelize-typescript';
import { JobsService, type JobContext, type JobDefinition, type TickResult } from '@app/jobs';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { lintExposition } from './support/metrics-lint';
import { baseEnv, buildDist, ROOT } from './support/run-node';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { TestJobsModule } from './support/test-jobs.module';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

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
  // Closing drains running ticks for half of this; a tick's lock session and claim took over
  // a second under --detectOpenHandles at load 12, and were cut off at the old 2 s.
  SHUTDOWN_GRACE_MS: '10000',
};

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

  async function startWorker(definitions: JobDefinition[], databaseUrl = db.url, extraEnv: Record<string, string> = {}): Promise<Instance> {
    const env = { NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', DB_POOL_MIN: '0', DB_POOL_MAX: '5', ...SCHEDULER_ENV, ...extraEnv };
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

  /**
   * What the instances' schedulers did with each tick of `job` from now on: ran it, or skipped it
   * and why. Only ticks after this call count: an earlier one may have been run before the watch.
   */
  function observeTicks(instances: Instance[], job: string): Map<number, string[]> {
    const from = Date.now();
    const seen = new Map<number, string[]>();
    for (const instance of instances) {
      const runTick = instance.jobs.runTick.bind(instance.jobs);
      jest.spyOn(instance.jobs, 'runTick').mockImplementation(async (name, tick, trigger) => {
        const result = await runTick(name, tick, trigger);
        if (name === job && trigger === 'schedule' && tick.getTime() > from) {
          const outcomes = seen.get(tick.getTime()) ?? [];
          outcomes.push(result.status === 'skipped' ? `skipped:${result.reason}` : result.status === 'error' ? `error (${instance.jobs.instance}): ${result.error}` : result.status);
          seen.set(tick.getTime(), outcomes);
        }
        return result;
      });
    }
    return seen;
  }

  /**
   * Exactly once, as far as timers fired: every tick some running instance's timer fired was run
   * by one instance and skipped by the others (an instance already stopping takes no tick at all).
   * Which seconds fire is the timer's business: on a stalled event loop a one-second timer fires
   * late, and the seconds it slept through are not fired by anyone. A tick may also run nowhere
   * when the instance that took its lock saw shutdown begin and stood down (`skipped:stopping`,
   * the others `skipped:locked`): never run twice, and never left unrun for another reason.
   */
  function expectEachTickRanOnce(seen: Map<number, string[]>): void {
    const wrong = [...seen]
      .map(([tick, outcomes]) => ({ tick: new Date(tick).toISOString(), outcomes }))
      .filter(({ outcomes }) => {
        const taken = outcomes.filter((o) => o !== 'skipped:stopping');
        if (taken.length === 0) return false;
        const ran = taken.filter((o) => o === 'ran').length;
        const standDown = ran === 0 && outcomes.includes('skipped:stopping') && taken.every((o) => o === 'skipped:locked');
        return !standDown && (ran !== 1 || taken.some((o) => o !== 'ran' && !o.startsWith('skipped:')));
      });
    expect(wrong).toEqual([]);
  }

  /** A counter's value in a Prometheus exposition (0 when absent). */
  function counter(metrics: string, series: string): number {
    const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }

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
    const starting = Date.now();
    const a = await startApi(definitions);
    const b = await startApi(definitions);
    const c = await startWorker(definitions);
    const seen = observeTicks([a, b, c], 'test-tick');

    // Runs until the metrics tell the story (how long that takes depends on the machine's load).
    const metrics = await waitFor(async () => (await fetch(`${a.url}/metrics`)).text(), {
      what: 'four watched ticks run, four skipped, the flaky failure and its recovery',
      deadlineMs: 60_000,
      until: (text) =>
        [...seen.values()].filter((outcomes) => outcomes.includes('ran')).length >= 4 &&
        counter(text, 'job_runs_total{job="test-tick",outcome="success"}') >= 4 &&
        counter(text, 'job_runs_total{job="test-tick",outcome="skipped"}') >= 4 &&
        // Both counted: the failure's own count comes after its row is written, which may be later.
        counter(text, 'job_runs_total{job="test-flaky",outcome="failure"}') >= 1 &&
        counter(text, 'job_runs_total{job="test-flaky",outcome="success"}') >= 1 &&
        counter(text, 'job_runs_total{job="session-purge",outcome="success"}') >= 2,
    });

    // The failure did not take anything down, and the metrics tell the story.
    expect((await fetch(`${a.url}/health/live`)).status).toBe(200);
    expect(lintExposition(metrics)).toEqual([]);
    expect(metrics).toMatch(/^job_runs_total\{job="test-flaky",outcome="failure"\} 1$/m);
    expect(metrics).toMatch(/^job_duration_seconds_count\{job="test-tick"\} \d+$/m);
    // The gauge holds the time of a success since these instances began to start.
    const lastSuccess = Number(/^job_last_success_timestamp_seconds\{job="session-purge"\} (\S+)$/m.exec(metrics)?.[1]);
    expect(lastSuccess * 1000).toBeGreaterThanOrEqual(starting);
    expect(lastSuccess * 1000).toBeLessThanOrEqual(Date.now());

    await Promise.all([a.close(), b.close(), c.close()]);
    const ticks = ticksOf('test-tick');

    // Exactly once: no tick ran twice, and every tick the schedulers fired ran on one instance.
    expect(duplicates(ticks)).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expectEachTickRanOnce(seen);
    expect([...seen.keys()].every((tick) => tick % 1_000 === 0)).toBe(true);

    // One row per execution, by the instance that ran it.
    const tickRows = await rows('test-tick');
    expect(tickRows.map((r) => [r.tick.getTime(), r.instance, r.outcome]).sort()).toEqual(
      executions.filter((e) => e.job === 'test-tick').map((e) => [e.tick, e.instance, 'success']).sort(),
    );
    expect(new Set(tickRows.map((r) => r.instance)).size).toBeGreaterThanOrEqual(1);

    // The real session-purge job, on the same one-second schedule: once per tick, all successes.
    const purges = await rows('session-purge');
    expect(purges.every((r) => r.outcome === 'success' && r.details?.purged === 0)).toBe(true);
    expect(duplicates(purges.map((r) => r.tick.getTime()))).toEqual([]);
    expect(purges.length).toBeGreaterThanOrEqual(2);

    // The throwing job: recorded as a failure, and the next tick it was given ran and succeeded.
    const flaky = await rows('test-flaky');
    expect(flaky[0]).toMatchObject({ outcome: 'failure', error: 'flaky on purpose' });
    expect(flaky[1]).toMatchObject({ outcome: 'success', error: null });
    expect(flaky[1].tick.getTime()).toBeGreaterThan(flaky[0].tick.getTime());
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

  it('a small pool: many ticks at once on several instances all run and record (a tick holds no pool connection for its lock)', async () => {
    // Each tick holds its advisory lock while the job and its claim and outcome use the pool. Were
    // the lock held on a pool connection, two ticks would hold both connections of a two-connection
    // pool and wait for a third that never comes: every tick fails at the acquire timeout, and a
    // claimed row stays `running`.
    const pools = new Map<string, Sequelize>();
    const busy: JobDefinition = {
      name: 'test-pool',
      schedule: null,
      description: 'queries through the pool while its tick holds the lock',
      run: async ({ instance }) => {
        await pools.get(instance)!.query('SELECT pg_sleep(0.05)');
      },
    };
    const small = { DB_POOL_MAX: '2', DB_POOL_ACQUIRE_TIMEOUT_MS: '5000', JOB_SESSION_PURGE_CRON: 'off' };
    const workers = [await startWorker([busy], db.url, small), await startWorker([busy], db.url, small)];
    for (const worker of workers) pools.set(worker.jobs.instance, worker.context.get<Sequelize>(getConnectionToken()));
    const base = Date.UTC(2031, 0, 1);
    const ticks = Array.from({ length: 6 }, (_, i) => new Date(base + i * 1_000));

    // Both instances fire all six ticks at once: twelve attempts on four pool connections.
    const results = await Promise.all(workers.flatMap((worker) => ticks.map((tick) => worker.jobs.runTick('test-pool', tick, 'schedule'))));
    expect(results.filter((r) => r.status !== 'ran' && r.status !== 'skipped')).toEqual([]);
    expect(results.filter((r) => r.status === 'ran')).toHaveLength(ticks.length);
    const recordedRows = await rows('test-pool');
    expect(recordedRows.map((r) => [r.tick.getTime(), r.outcome])).toEqual(ticks.map((t) => [t.getTime(), 'success']));
    await Promise.all(workers.map((worker) => worker.close()));
  });

  it('an instance closed mid-job lets the job finish before it stops, and takes no new tick', async () => {
    const finished: string[] = [];
    let startedJob: () => void = () => undefined;
    const jobStarted = new Promise<void>((resolve) => (startedJob = resolve));
    let releaseJob: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (releaseJob = resolve));
    const slow: JobDefinition = {
      name: 'test-drain',
      schedule: null,
      description: 'held until the test releases it',
      run: async ({ instance }) => {
        startedJob();
        await released;
        finished.push(instance);
      },
    };
    // A long grace period: the drain, not the clock, is what this test is about.
    const probe: JobDefinition = { name: 'test-probe', schedule: null, description: 'answers at once', run: async () => undefined };
    const c = await startWorker([slow, probe], db.url, { SHUTDOWN_GRACE_MS: '20000' });
    const running = c.jobs.runNow('test-drain');
    await jobStarted;
    const closed = c.close();
    // Stopping: no new scheduled tick is taken, while the running job still holds the close up.
    await waitFor(async () => (await c.jobs.runTick('test-probe', new Date(), 'schedule')).status === 'skipped', { what: 'the instance to stop taking ticks' });
    expect(await c.jobs.runTick('test-drain', new Date(), 'schedule')).toEqual({ status: 'skipped', reason: 'stopping' });
    expect(finished).toEqual([]);
    releaseJob();
    await closed;
    // The close waited for the job: it had finished (and been recorded) before the close returned.
    expect(finished).toEqual([c.jobs.instance]);
    expect(await running).toMatchObject({ status: 'ran', run: { outcome: 'success' } });
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
    const seen = observeTicks([b, c], 'test-slow');
    // The survivors are running ticks of their own while the victim's run still hangs.
    await waitFor(() => executions.some((e) => e.job === 'test-slow' && e.instance !== victimInstance), { what: 'a survivor to run a tick' });

    // The victim's run holds its tick: nobody else ran that tick.
    const hungTick = victim!.tick;
    expect(executions.filter((e) => e.job === 'test-slow' && e.tick === hungTick)).toHaveLength(1);
    const killedAt = Date.now();
    await proxy.cut();

    // The row of the killed run is found abandoned once PostgreSQL has ended its session (and
    // with it the lock)...
    // (Swept here, or by a survivor's own periodic sweep: the row is what counts.)
    await waitFor(
      async () => {
        await b.jobs.sweepAbandoned();
        return (await rows('test-slow')).some((r) => r.outcome === 'abandoned');
      },
      { what: 'the killed run to be found abandoned', intervalMs: 200 },
    );
    // Only the victim's runs are abandoned: the hung one, and any other tick it was running when it
    // was cut off (on a loaded machine, its every-second session-purge may have been mid-run).
    const abandoned = (await sql.query<JobRunRow>(`SELECT job, tick, instance, outcome, error, details FROM job_runs WHERE outcome = 'abandoned'`)).rows;
    expect(abandoned.filter((r) => r.job === 'test-slow').map((r) => [r.tick.getTime(), r.instance])).toEqual([[hungTick, victimInstance]]);
    expect(abandoned.filter((r) => r.instance !== victimInstance)).toEqual([]);
    const survivors = new Set([b.jobs.instance, c.jobs.instance]);
    const afterKill = () => executions.filter((e) => e.job === 'test-slow' && e.tick > killedAt);
    await waitFor(() => afterKill().length >= 3, { what: 'three ticks run since the kill' });
    await Promise.all([b.close(), c.close()]);

    // ...and not run again; every tick the survivors fired since the kill ran once, on a survivor.
    const ticks = ticksOf('test-slow');
    expect(duplicates(ticks)).toEqual([]);
    expect(ticks.filter((t) => t === hungTick)).toHaveLength(1);
    expectEachTickRanOnce(new Map([...seen].filter(([tick]) => tick > killedAt)));
    expect(afterKill().every((e) => survivors.has(e.instance))).toBe(true);

    const slowRows = await rows('test-slow');
    expect(slowRows.filter((r) => r.outcome === 'abandoned').map((r) => r.tick.getTime())).toEqual([hungTick]);
    expect(slowRows.find((r) => r.outcome === 'abandoned')?.error).toMatch(/stopped or lost its database connection/);
    expect(slowRows.filter((r) => r.outcome !== 'abandoned').every((r) => r.outcome === 'success')).toBe(true);
  });

  it('a process killed with SIGKILL mid-job: the next instance to start marks its run abandoned, and the job runs again', async () => {
    buildDist();
    // The real `jobs:run session-purge` of the compiled CLI, held mid-job: its DELETE waits for a
    // lock this test holds on the sessions table (no statement timeout to end the wait).
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    let killedInstance = '';
    const manualRuns = async () =>
      (await sql.query<JobRunRow>(`SELECT job, tick, instance, outcome, error, details FROM job_runs WHERE job = 'session-purge' AND trigger = 'manual' ORDER BY tick`)).rows;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      const env = baseEnv({ DATABASE_URL: db.url, DB_STATEMENT_TIMEOUT_MS: '0', LOG_LEVEL: 'silent' });
      const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/cli/src/main.js'), 'jobs:run', 'session-purge'], { cwd: ROOT, env, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
      try {
        const running = await waitFor(
          async () =>
            (
              await sql.query<{ instance: string }>(
                // The CLI's run is manual; an app of this file that ticks session-purge on its
                // schedule may be stuck on the same lock with a running row of its own.
                `SELECT instance FROM job_runs WHERE job = 'session-purge' AND trigger = 'manual' AND outcome = 'running'
                  AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'clearmark-cli' AND wait_event_type = 'Lock')`,
              )
            ).rows[0],
          { what: 'the CLI to be mid-job (its row running, its DELETE waiting)', deadlineMs: 120_000 },
        );
        expect(running.instance).toContain(`:${child.pid}:cli:`);
        killedInstance = running.instance;
      } finally {
        child.kill('SIGKILL');
      }
      expect(await exited).toBe('SIGKILL');
      // The killed process's lock connection ends with it; PostgreSQL then releases its lock.
      await waitFor(async () => (await sql.query(`SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()`)).rowCount === 0, {
        what: 'the killed process to lose its advisory lock',
      });
      // Nobody sweeps it by hand: an instance that takes ticks looks for such runs as it starts
      // (and every minute after).
      await startWorker([], db.url, { JOB_SESSION_PURGE_CRON: 'off' });
      expect(await manualRuns()).toEqual([
        expect.objectContaining({ instance: killedInstance, outcome: 'abandoned', error: expect.stringMatching(/stopped or lost its database connection/) }),
      ]);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    // The job itself is fine: the next run succeeds.
    const again = await new Promise<number | null>((resolveRun) => {
      const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/cli/src/main.js'), 'jobs:run', 'session-purge'], {
        cwd: ROOT,
        env: baseEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }),
        stdio: 'ignore',
      });
      child.on('exit', (code) => resolveRun(code));
    });
    expect(again).toBe(0);
    expect((await manualRuns()).map((r) => r.outcome)).toEqual(['abandoned', 'success']);
  }, 600_000);
});
