/**
 * Billing benchmark (issue 12): subscribe and invoice-list throughput, each as a ratio against
 * the bare by-key baseline (bench/bare-server.ts GET /user/:id: plain Fastify + pg, one row by
 * primary key) measured in the same run, at the same concurrency.
 *
 *   1. POST /v1/billing/subscription {planCode: pro, paymentToken: tok_visa}, once per
 *      registered user (a subscribe is one per user): the subscription, its numbered first
 *      invoice and a pending payment in one audited transaction, the sandbox charge, the
 *      settlement in a second one. Every fifth request carries an Idempotency-Key.
 *   2. GET /v1/billing/invoices (one bearer token per connection, users with one invoice).
 *
 * Run with `npm run bench:billing` (builds first). Environment, all optional:
 *   BENCH_DATABASE_URL   PostgreSQL to use; without it an embedded server is started in a temp dir
 *   BENCH_USERS          accounts registered (and subscribed) through the API (200)
 *   BENCH_CONNECTIONS    concurrent requests in every part (10)
 *   BENCH_DURATION_S     measured seconds of the invoice list and of each baseline run (10)
 *   BENCH_WARMUP_S       warm-up seconds before each autocannon run (2)
 *
 * Progress goes to stderr; the Markdown report to stdout and bench/out/billing-<timestamp>.md.
 * Any non-2xx answer fails the run.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertClean,
  commandLine,
  fmtInt,
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
  runMain,
  startApi,
  startBare,
} from './lib';

const settings = {
  users: intFromEnv('BENCH_USERS', 200, 1, 100_000),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1, 1000),
  durationS: intFromEnv('BENCH_DURATION_S', 10, 1),
  warmupS: intFromEnv('BENCH_WARMUP_S', 2, 0),
};
const VARIABLES = ['BENCH_DATABASE_URL', 'BENCH_USERS', 'BENCH_CONNECTIONS', 'BENCH_DURATION_S', 'BENCH_WARMUP_S'];
const PASSWORD = 'bench billing password 1';

interface User {
  id: string;
  token: string;
}

async function call(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await work(i);
    }),
  );
  return out;
}

async function register(base: string, runId: string): Promise<User[]> {
  return pool(settings.users, 4, async (i) => {
    const res = await call(base, 'POST', '/v1/auth/register', { email: `bench-billing-${runId}-${i}@example.com`, password: PASSWORD, name: `Bench ${i}` });
    if (res.status !== 201) throw new Error(`register answered ${res.status}: ${res.text}`);
    const body = JSON.parse(res.text) as { user: { id: string }; accessToken: string };
    return { id: body.user.id, token: body.accessToken };
  });
}

async function subscribeAll(base: string, users: User[]): Promise<{ rate: number; latencies: Float64Array }> {
  const started = performance.now();
  const times = await pool(users.length, settings.connections, async (i) => {
    const headers: Record<string, string> = { authorization: `Bearer ${users[i].token}`, ...(i % 5 === 0 ? { 'idempotency-key': `bench-${users[i].id}` } : {}) };
    const res = await call(base, 'POST', '/v1/billing/subscription', { planCode: 'pro', paymentToken: 'tok_visa' }, headers);
    if (res.status !== 201 || !res.text.includes('"status":"active"')) throw new Error(`subscribe answered ${res.status}: ${res.text}`);
    return res.ms;
  });
  const seconds = (performance.now() - started) / 1000;
  return { rate: users.length / seconds, latencies: Float64Array.from(times).sort() };
}

async function cannon(label: string, url: string, tokens: string[] | null): Promise<{ rate: number; latencies: Float64Array }> {
  const samples: number[] = [];
  let clients = 0;
  const options = (duration: number): autocannon.Options => ({
    url,
    connections: settings.connections,
    duration,
    setupClient: (client) => {
      const token = tokens ? tokens[clients++ % tokens.length] : null;
      if (token) client.setRequests([{ method: 'GET', path: new URL(url).pathname, headers: { authorization: `Bearer ${token}` } }]);
      client.on('response', (status, _bytes, ms) => {
        if (status >= 200 && status < 300) samples.push(ms);
      });
    },
  });
  if (settings.warmupS > 0) assertClean(await autocannon(options(settings.warmupS)), `${label} (warm-up)`);
  samples.length = 0;
  const result = await autocannon(options(settings.durationS));
  assertClean(result, label);
  return { rate: result.requests.average, latencies: Float64Array.from(samples).sort() };
}

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const database = await provideDatabase();
  log(`PostgreSQL ${await postgresVersion(database.url)}`);
  const api = await startApi(database.url, { RATE_LIMIT_MAX: '100000000', AUTH_RATE_LIMIT_MAX: '100000000', SEED_DEMO_DATA: 'false', DB_STATEMENT_TIMEOUT_MS: '20000' });
  const bare = await startBare(database.url);
  log(`registering ${settings.users} users`);
  const users = await register(api.base, runId);

  log('baseline: bare GET /user/:id');
  const baseline1 = await cannon('bare GET /user/:id', `${bare}/user/${users[0].id}`, null);
  log(`subscribe: ${settings.users} subscriptions, ${settings.connections} at a time`);
  const subscribe = await subscribeAll(api.base, users);
  log('invoice list: GET /v1/billing/invoices');
  const invoices = await cannon('GET /v1/billing/invoices', `${api.base}/v1/billing/invoices`, users.map((u) => u.token));
  log('baseline again: bare GET /user/:id');
  const baseline2 = await cannon('bare GET /user/:id (again)', `${bare}/user/${users[0].id}`, null);
  const baseline = (baseline1.rate + baseline2.rate) / 2;

  // Small ratios keep their digits (a subscribe is far slower than a by-key read).
  const ratioText = (r: number) => (r >= 0.1 ? fmtRatio(r) : r.toPrecision(2));
  const rateText = (r: number) => (r >= 100 ? fmtInt(r) : r.toFixed(1));
  const row = (what: string, m: { rate: number; latencies: Float64Array }, ratio: boolean) =>
    `| ${what} | ${rateText(m.rate)} | ${fmtMs(percentile(m.latencies, 50))} | ${fmtMs(percentile(m.latencies, 99))} | ${ratio ? ratioText(m.rate / baseline) : '1 (baseline)'} |`;
  const report = [
    `## Billing: subscribe and invoice list vs a bare by-key lookup (${new Date().toISOString()})`,
    '',
    `Command: \`${commandLine(VARIABLES, 'bench:billing')}\`; revision ${gitRevision()}; ${machineDescription()}.`,
    `${settings.users} users, ${settings.connections} concurrent requests in every part; the baseline ran before and after (mean of both).`,
    '',
    '| what | per second | p50 ms | p99 ms | ratio to baseline |',
    '|---|---|---|---|---|',
    row('bare GET /user/:id (baseline, before)', baseline1, false),
    row('POST /v1/billing/subscription (pro, tok_visa)', subscribe, true),
    row('GET /v1/billing/invoices', invoices, true),
    row('bare GET /user/:id (baseline, after)', baseline2, false),
    '',
  ].join('\n');
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `billing-${Date.now()}.md`);
  writeFileSync(file, report);
  process.stdout.write(`${report}\n`);
  log(`report written to ${file}`);
}

runMain(main);
