/**
 * Load shedding under a saturated pool: how fast an overloaded API refuses a request (503 with
 * Retry-After), compared with how fast the same API serves that request when it is idle, in the
 * same run; and whether readiness stays 200 meanwhile.
 *
 *   baseline   GET /v1/users/me on an idle API (200)
 *   saturated  the same while every pooled connection waits on a lock the bench holds on `users`
 *              and more requests than LOAD_SHED_DB_QUEUE_MAX queue behind them (503 overloaded)
 *
 * Run with `npm run bench:load-shedding` (builds first). Environment:
 *   BENCH_DATABASE_URL   PostgreSQL to use; without it an embedded server is started in a temp dir
 *   BENCH_REQUESTS       measured requests per phase (2000)
 *   BENCH_CONNECTIONS    concurrent requests (10)
 *
 * Progress goes to stderr; the Markdown report to stdout and bench/out/load-shedding-<time>.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import {
  commandLine,
  fmtMs,
  fmtRatio,
  gitRevision,
  intFromEnv,
  log,
  machineDescription,
  OUT_DIR,
  percentile,
  postgresVersion,
  provideDatabase,
  ROOT,
  runMain,
  sleep,
  startApi,
} from './lib';

const settings = {
  requests: intFromEnv('BENCH_REQUESTS', 2000, 10),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1),
};
const POOL = 4;
// Above the baseline's own queue (10 concurrent requests on 4 connections), so the idle API sheds nothing.
const QUEUE_MAX = 12;

interface Phase {
  latencies: Float64Array;
  statuses: Map<number, number>;
}

async function measure(url: string, token: string, count: number, connections: number): Promise<Phase> {
  const latencies = new Float64Array(count);
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const started = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      latencies[i] = performance.now() - started;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { latencies: latencies.sort(), statuses };
}

const describeStatuses = (p: Phase) => [...p.statuses].map(([s, n]) => `${n} x ${s}`).join(', ');

async function main(): Promise<void> {
  const database = await provideDatabase();
  const api = await startApi(database.url, {
    DB_POOL_MAX: String(POOL),
    LOAD_SHED_DB_QUEUE_MAX: String(QUEUE_MAX),
    DB_STATEMENT_TIMEOUT_MS: '120000',
    RATE_LIMIT_MAX: '1000000',
    AUTH_RATE_LIMIT_MAX: '1000',
    // The bench saturates the pool, not the event loop.
    LOAD_SHED_EVENT_LOOP_DELAY_MS: '0',
  });
  const email = `bench-${Date.now()}@example.com`;
  const registered = await fetch(`${api.base}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Bench' }),
  });
  if (registered.status !== 201) throw new Error(`register: HTTP ${registered.status}`);
  const { accessToken } = (await registered.json()) as { accessToken: string };
  const me = `${api.base}/v1/users/me`;

  log('warm-up and baseline (idle API)');
  await measure(me, accessToken, 200, settings.connections);
  const baseline = await measure(me, accessToken, settings.requests, settings.connections);

  log('saturating the pool: a lock on users holds every pooled connection');
  const locker = new Client({ connectionString: database.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
  const held = Array.from({ length: POOL + QUEUE_MAX + 4 }, () => fetch(me, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.status));
  await sleep(1_000);
  const readyStarted = performance.now();
  const ready = await fetch(`${api.base}/health/ready`);
  const readyMs = performance.now() - readyStarted;
  const saturated = await measure(me, accessToken, settings.requests, settings.connections);
  await locker.query('ROLLBACK');
  await locker.end();
  const heldStatuses = await Promise.all(held);

  const p = (phase: Phase, q: number) => percentile(phase.latencies, q);
  const report = [
    '## Load shedding under a saturated pool',
    '',
    `Command: \`${commandLine(['BENCH_DATABASE_URL', 'BENCH_REQUESTS', 'BENCH_CONNECTIONS'], 'bench:load-shedding')}\``,
    `Revision ${gitRevision()}; ${machineDescription()}; PostgreSQL ${await postgresVersion(database.url)} (${database.source}).`,
    `DB_POOL_MAX=${POOL}, LOAD_SHED_DB_QUEUE_MAX=${QUEUE_MAX}; ${settings.requests} requests per phase, ${settings.connections} at a time, GET /v1/users/me.`,
    '',
    '| phase | answers | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|---|',
    `| baseline (idle) | ${describeStatuses(baseline)} | ${fmtMs(p(baseline, 50))} | ${fmtMs(p(baseline, 95))} | ${fmtMs(p(baseline, 99))} |`,
    `| saturated (shed) | ${describeStatuses(saturated)} | ${fmtMs(p(saturated, 50))} | ${fmtMs(p(saturated, 95))} | ${fmtMs(p(saturated, 99))} |`,
    `| ratio saturated / baseline | | ${fmtRatio(p(saturated, 50) / p(baseline, 50))} | ${fmtRatio(p(saturated, 95) / p(baseline, 95))} | ${fmtRatio(p(saturated, 99) / p(baseline, 99))} |`,
    '',
    `Readiness during the saturation: HTTP ${ready.status} in ${fmtMs(readyMs)} ms. The requests held by the lock: ${heldStatuses.join(', ')}.`,
    '',
  ].join('\n');
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `load-shedding-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, report);
  process.stdout.write(report);
  log(`report written to ${relative(ROOT, file)}`);
}

runMain(main);
