/**
 * `npm run bench:soak` (issue 15): a steady mixed load against two API instances for ten minutes,
 * to show that nothing degrades or leaks with time.
 *
 *   1. Database: BENCH_DATABASE_URL or an embedded PostgreSQL (lib.ts); Redis: BENCH_REDIS_URL,
 *      else a `redis-server` from the PATH started here (no persistence), else none (each
 *      instance then keeps its own rate-limit counters, as without REDIS_URL in production).
 *   2. A generated registry of BENCH_SEARCH_RECORDS records (bench/registry.ts).
 *   3. Two API instances on that database and Redis (the first migrates; SCHEDULER_ENABLED=false
 *      on both, as a deployment runs jobs in its worker), high rate limits, quota counted only.
 *   4. BENCH_USERS accounts, registered before the clock starts.
 *   5. An open-loop load of BENCH_SOAK_RATE requests/s (one is started every 1/rate s whatever the
 *      earlier ones are doing), alternating between the two instances, each from the next
 *      account in turn. The mix, per 100 requests: 25 GET /v1/users/me, 20 trademark searches,
 *      15 search history, 10 notifications, 10 watch lists, 5 watch creations, 5 watch deletions
 *      (of the account's oldest watch, so watches stay few), 5 sign-ins, 5 preferences reads.
 *   6. BENCH_WARMUP_S of that load, then BENCH_SOAK_DURATION_S measured; every 5 s each
 *      instance's heap in use and RSS are read from its /metrics (prom-client's nodejs_heap_size_used_bytes
 *      and process_resident_memory_bytes).
 *   7. After the load, the api_logs rows carrying the run's User-Agent are counted until they
 *      equal the requests sent (the request log is written in batches) or 60 s have passed.
 *
 * Targets: 0 errors (any answer but the expected 2xx, socket errors, timeouts); p99 of the last
 * minute at most 1.2 x the first measured minute's; heap and RSS of each instance grow by less
 * than 10 % from the first measured minute to the last; api_logs rows = requests.
 *
 * Settings: BENCH_SOAK_RATE (40), BENCH_SOAK_DURATION_S (600), BENCH_WARMUP_S (180: the first
 * minutes fill the bounded caches, WordNet and sound codes, tokens and sessions, so heap growth from
 * a shorter warm-up measures that filling, not a leak),
 * BENCH_USERS (20), BENCH_SEARCH_RECORDS (100000), BENCH_BCRYPT_COST (10, the development default:
 * at production's 12 the sign-ins alone would take most of a core), BENCH_REDIS_URL.
 * Report: stdout and bench/out/soak-<timestamp>.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { provideRunRedis, stopRunRedis, type RunRedis } from '../test/setup/test-redis';
import {
  commandLine,
  deleteRunDataOnCleanup,
  fmtInt,
  fmtMs,
  gitRevision,
  intFromEnv,
  log,
  machineDescription,
  onCleanup,
  OUT_DIR,
  percentile,
  postgresVersion,
  provideDatabase,
  ROOT,
  runMain,
  sleep,
  startApi,
  type StartedApi,
} from './lib';
import { ensureGeneratedRegistry, FIRST_SERIAL, withClient } from './registry';

const settings = {
  rate: intFromEnv('BENCH_SOAK_RATE', 40, 1, 5_000),
  durationS: intFromEnv('BENCH_SOAK_DURATION_S', 600, 60),
  warmupS: intFromEnv('BENCH_WARMUP_S', 180, 0),
  users: intFromEnv('BENCH_USERS', 20, 1, 1_000),
  records: intFromEnv('BENCH_SEARCH_RECORDS', 100_000, 1_000, 9_000_000),
  bcryptCost: intFromEnv('BENCH_BCRYPT_COST', 10, 4, 15),
};
const VARIABLES = ['BENCH_DATABASE_URL', 'BENCH_REDIS_URL', 'BENCH_SOAK_RATE', 'BENCH_SOAK_DURATION_S', 'BENCH_WARMUP_S', 'BENCH_USERS', 'BENCH_SEARCH_RECORDS', 'BENCH_BCRYPT_COST'];
const TARGETS = { p99Growth: 1.2, memoryGrowth: 0.1 };
/** A request slower than this counts as an error (a client would have given up). */
const REQUEST_TIMEOUT_MS = 10_000;
const SAMPLE_EVERY_MS = 5_000;

type Kind = 'me' | 'search' | 'history' | 'notifications' | 'watches' | 'watch-create' | 'watch-delete' | 'sign-in' | 'preferences';
const MIX: Array<[Kind, number]> = [
  ['me', 25],
  ['search', 20],
  ['history', 15],
  ['notifications', 10],
  ['watches', 10],
  ['watch-create', 5],
  ['watch-delete', 5],
  ['sign-in', 5],
  ['preferences', 5],
];
/** The mix as a deck of 100 kinds, dealt in a fixed interleaved order (no clumps of one kind). */
const DECK: Kind[] = (() => {
  const deck: Kind[] = [];
  const left = new Map(MIX);
  while (deck.length < 100) {
    for (const [kind] of MIX) {
      const n = left.get(kind) ?? 0;
      if (n > 0) {
        deck.push(kind);
        left.set(kind, n - 1);
      }
    }
  }
  return deck;
})();

interface Account {
  email: string;
  password: string;
  token: string;
  /** Ids of the account's watches, oldest first. */
  watches: string[];
  /** Watches this run created for it (for a unique mark each time). */
  created: number;
}

interface Answer {
  status: number;
  body: string;
}

// ---------------------------------------------------------------------------------------------
// HTTP

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
let userAgent = 'clearmark-soak';

function call(base: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        agent,
        host: url.hostname,
        port: Number(url.port),
        method,
        path: url.pathname + url.search,
        headers: {
          'user-agent': userAgent,
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Setup

async function registerAccounts(base: string, runId: string): Promise<Account[]> {
  const accounts: Account[] = [];
  for (let i = 0; i < settings.users; i++) {
    const email = `bench-${runId}-${i}@example.com`;
    const password = `soak ${randomBytes(12).toString('base64url')}`;
    const answer = expect(await call(base, 'POST', '/v1/auth/register', undefined, { email, password, name: `Soak user ${i}` }), 201, 'POST /v1/auth/register');
    const token = (JSON.parse(answer.body) as { accessToken: string }).accessToken;
    accounts.push({ email, password, token, watches: [], created: 0 });
  }
  return accounts;
}

/** Marks of generated records, spread over the registry, with a typo and a shared-word variant each. */
async function queryMarks(url: string): Promise<string[]> {
  const serials = Array.from({ length: 40 }, (_, i) => String(FIRST_SERIAL + Math.floor(((i + 0.5) * settings.records) / 40)));
  const marks = await withClient(url, async (client) => {
    const { rows } = await client.query<{ mark: string }>('SELECT mark FROM trademark_records WHERE serial_number = ANY($1) ORDER BY serial_number', [serials]);
    return rows.map((row) => row.mark);
  });
  if (marks.length === 0) throw new Error('none of the sampled generated records is in trademark_records');
  return marks.flatMap((mark) => {
    const words = mark.split(/\s+/);
    const first = words[0] ?? mark;
    const typo = first.length > 3 ? first.slice(0, 2) + first.slice(3) : `${first}X`;
    return [mark, [typo, ...words.slice(1)].join(' '), `${first} NOVA`];
  });
}

// ---------------------------------------------------------------------------------------------
// Load

interface Sample {
  atS: number;
  instance: number;
  heapBytes: number;
  rssBytes: number;
}

interface Outcome {
  atS: number;
  kind: Kind;
  ms: number;
  error?: string;
}

function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

async function sampleMemory(instances: StartedApi[], atS: number, samples: Sample[]): Promise<void> {
  await Promise.all(
    instances.map(async (api, instance) => {
      try {
        const response = await fetch(`${api.base}/metrics`, { signal: AbortSignal.timeout(5_000) });
        const text = await response.text();
        const heapBytes = metricValue(text, 'nodejs_heap_size_used_bytes');
        const rssBytes = metricValue(text, 'process_resident_memory_bytes');
        if (heapBytes !== undefined && rssBytes !== undefined) samples.push({ atS, instance, heapBytes, rssBytes });
      } catch (error) {
        log(`/metrics of instance ${instance + 1} did not answer: ${String(error)}`);
      }
    }),
  );
}

class Load {
  private dealt = 0;
  readonly outcomes: Outcome[] = [];
  private inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly instances: StartedApi[],
    private readonly accounts: Account[],
    private readonly marks: string[],
    private readonly startedAt: number,
  ) {}

  /** Starts the next request of the mix and records its outcome when it ends. */
  fire(): void {
    const n = this.dealt++;
    const kind = DECK[n % DECK.length] as Kind;
    const base = (this.instances[n % this.instances.length] as StartedApi).base;
    // Successive requests of one kind rotate over the accounts and over the instances independently.
    const account = this.accounts[Math.floor(n / this.instances.length) % this.accounts.length] as Account;
    const began = performance.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.run(kind, base, account, n).then(
      () => this.record(kind, began),
      (error: unknown) => this.record(kind, began, error instanceof Error ? error.message : String(error)),
    );
  }

  private record(kind: Kind, began: number, error?: string): void {
    this.inFlight--;
    this.outcomes.push({ atS: (began - this.startedAt) / 1000, kind, ms: performance.now() - began, error });
  }

  get pending(): number {
    return this.inFlight;
  }

  private async run(kind: Kind, base: string, account: Account, n: number): Promise<void> {
    switch (kind) {
      case 'me':
        expect(await call(base, 'GET', '/v1/users/me', account.token), 200, 'GET /v1/users/me');
        return;
      case 'preferences':
        expect(await call(base, 'GET', '/v1/users/me/preferences', account.token), 200, 'GET /v1/users/me/preferences');
        return;
      case 'search': {
        const mark = this.marks[n % this.marks.length] as string;
        expect(await call(base, 'POST', '/v1/trademarks/searches', account.token, { mark, limit: 20 }), 201, 'POST /v1/trademarks/searches');
        return;
      }
      case 'history':
        expect(await call(base, 'GET', '/v1/trademarks/searches?limit=20', account.token), 200, 'GET /v1/trademarks/searches');
        return;
      case 'notifications':
        expect(await call(base, 'GET', '/v1/notifications?unread=true', account.token), 200, 'GET /v1/notifications');
        return;
      case 'watches':
        expect(await call(base, 'GET', '/v1/trademarks/watches', account.token), 200, 'GET /v1/trademarks/watches');
        return;
      case 'watch-create': {
        const mark = `SOAK ${(this.marks[n % this.marks.length] as string).split(/\s+/)[0]} ${++account.created}`;
        const answer = expect(await call(base, 'POST', '/v1/trademarks/watches', account.token, { mark, classes: [9, 25] }), 201, 'POST /v1/trademarks/watches');
        account.watches.push((JSON.parse(answer.body) as { id: string }).id);
        return;
      }
      case 'watch-delete': {
        const id = account.watches.shift();
        // None yet (the first deletions can come before any creation of this account): a list instead.
        if (!id) {
          expect(await call(base, 'GET', '/v1/trademarks/watches', account.token), 200, 'GET /v1/trademarks/watches');
          return;
        }
        expect(await call(base, 'DELETE', `/v1/trademarks/watches/${id}`, account.token), 204, 'DELETE /v1/trademarks/watches/:id');
        return;
      }
      case 'sign-in': {
        const answer = expect(await call(base, 'POST', '/v1/auth/login', undefined, { email: account.email, password: account.password }), 200, 'POST /v1/auth/login');
        account.token = (JSON.parse(answer.body) as { accessToken: string }).accessToken;
        return;
      }
    }
  }
}

/** Fires `rate` requests per second until `untilMs` (performance.now()), on schedule, not in lockstep with answers. */
async function drive(load: Load, untilMs: number, onTick: (nowMs: number) => void): Promise<void> {
  const intervalMs = 1000 / settings.rate;
  let next = performance.now();
  while (next < untilMs) {
    const now = performance.now();
    // Catch up after a late timer by firing every request that is due (open loop).
    while (next <= now && next < untilMs) {
      load.fire();
      next += intervalMs;
    }
    onTick(now);
    await sleep(Math.max(0, Math.min(next - performance.now(), 50)));
  }
}

// ---------------------------------------------------------------------------------------------
// Report

interface Minute {
  index: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  heapMb: number[];
  rssMb: number[];
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function minutes(outcomes: Outcome[], samples: Sample[], instances: number, fromS: number, toS: number): Minute[] {
  const result: Minute[] = [];
  for (let start = fromS, index = 1; start + 60 <= toS + 0.001; start += 60, index++) {
    const inMinute = outcomes.filter((o) => o.atS >= start && o.atS < start + 60);
    const sorted = Float64Array.from(inMinute.map((o) => o.ms)).sort();
    const memory = samples.filter((s) => s.atS >= start && s.atS < start + 60);
    result.push({
      index,
      requests: inMinute.length,
      errors: inMinute.filter((o) => o.error).length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      heapMb: Array.from({ length: instances }, (_, i) => mean(memory.filter((s) => s.instance === i).map((s) => s.heapBytes)) / 2 ** 20),
      rssMb: Array.from({ length: instances }, (_, i) => mean(memory.filter((s) => s.instance === i).map((s) => s.rssBytes)) / 2 ** 20),
    });
  }
  return result;
}

const pct = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const date = new Date();
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const load1 = loadavg()[0] as number;
  const runId = `soak${date.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  userAgent = `clearmark-soak/${runId}`;
  const setupAgent = `clearmark-soak-setup/${runId}`;

  const database = await provideDatabase();
  const pgVersion = await postgresVersion(database.url);
  log(`PostgreSQL ${pgVersion}: ${database.source}`);

  let redis: RunRedis | undefined;
  const external = process.env.BENCH_REDIS_URL?.trim();
  if (external) redis = { url: external };
  else {
    redis = await provideRunRedis();
    onCleanup('stop redis-server', () => stopRunRedis(redis));
  }
  const redisUrl = 'url' in redis ? redis.url : undefined;
  log(redisUrl ? `Redis: ${external ? 'BENCH_REDIS_URL' : 'redis-server started here'}` : `no Redis (${'skipReason' in redis ? redis.skipReason : ''}): per-instance state`);

  const env: Record<string, string> = {
    SCHEDULER_ENABLED: 'false',
    RATE_LIMIT_MAX: '100000000',
    AUTH_RATE_LIMIT_MAX: '100000000',
    BILLING_SEARCH_QUOTA_ENFORCED: 'false',
    BCRYPT_COST: String(settings.bcryptCost),
    ACCESS_TOKEN_TTL_S: '86400',
    // Both instances must accept each other's tokens.
    JWT_SECRET: randomBytes(36).toString('base64'),
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${runId}:` } : {}),
  };
  log('starting instance 1 (migrates the database)');
  const first = await startApi(database.url, env);
  const registry = await ensureGeneratedRegistry(database.url, settings.records);
  log('starting instance 2');
  const second = await startApi(database.url, { ...env, MIGRATE_ON_START: 'false' });
  const instances = [first, second];

  deleteRunDataOnCleanup(database, runId, [userAgent, setupAgent]);
  userAgent = setupAgent;
  const accounts = await registerAccounts(first.base, runId);
  const marks = await queryMarks(database.url);
  userAgent = `clearmark-soak/${runId}`;

  const warmupMs = settings.warmupS * 1000;
  const totalMs = warmupMs + settings.durationS * 1000;
  log(`load: ${settings.rate} requests/s over 2 instances, ${settings.warmupS} s warm-up + ${settings.durationS} s measured`);
  const startedAt = performance.now();
  const load = new Load(instances, accounts, marks, startedAt);
  const samples: Sample[] = [];
  let nextSample = startedAt;
  let nextLog = startedAt + 60_000;
  const sampling: Promise<void>[] = [];
  await drive(load, startedAt + totalMs, (now) => {
    if (now >= nextSample) {
      nextSample += SAMPLE_EVERY_MS;
      sampling.push(sampleMemory(instances, (now - startedAt) / 1000, samples));
    }
    if (now >= nextLog) {
      nextLog += 60_000;
      const errors = load.outcomes.filter((o) => o.error).length;
      log(`${Math.round((now - startedAt) / 1000)} s: ${fmtInt(load.outcomes.length)} answered, ${errors} error(s), ${load.pending} in flight`);
    }
  });
  const deadline = performance.now() + REQUEST_TIMEOUT_MS + 1_000;
  while (load.pending > 0 && performance.now() < deadline) await sleep(50);
  await Promise.all(sampling);
  const sent = load.outcomes.length + load.pending;

  // The request log is written in batches (API_LOG_FLUSH_INTERVAL_MS): wait for the last ones.
  log('counting the run\'s api_logs rows');
  let logged = 0;
  const logDeadline = Date.now() + 60_000;
  for (;;) {
    logged = await withClient(database.url, async (client) =>
      Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM api_logs WHERE user_agent = $1', [userAgent])).rows[0]?.n ?? 0),
    );
    if (logged >= sent || Date.now() > logDeadline) break;
    await sleep(500);
  }

  // Figures
  const measured = load.outcomes.filter((o) => o.atS >= settings.warmupS);
  const errors = load.outcomes.filter((o) => o.error);
  const perMinute = minutes(load.outcomes, samples, instances.length, settings.warmupS, settings.warmupS + settings.durationS);
  const firstMinute = perMinute[0] as Minute;
  const lastMinute = perMinute[perMinute.length - 1] as Minute;
  const p99Ratio = lastMinute.p99 / firstMinute.p99;
  const growth = instances.map((_, i) => ({
    heap: (lastMinute.heapMb[i] as number) / (firstMinute.heapMb[i] as number) - 1,
    rss: (lastMinute.rssMb[i] as number) / (firstMinute.rssMb[i] as number) - 1,
  }));
  const worstGrowth = Math.max(...growth.flatMap((g) => [g.heap, g.rss]));
  const byKind = MIX.map(([kind]) => {
    const own = Float64Array.from(measured.filter((o) => o.kind === kind).map((o) => o.ms)).sort();
    return { kind, count: own.length, errors: measured.filter((o) => o.kind === kind && o.error).length, p50: percentile(own, 50), p99: percentile(own, 99) };
  });
  const errorKinds = new Map<string, number>();
  for (const o of errors) errorKinds.set(`${o.kind}: ${(o.error ?? '').slice(0, 120)}`, (errorKinds.get(`${o.kind}: ${(o.error ?? '').slice(0, 120)}`) ?? 0) + 1);

  const lines: string[] = [];
  lines.push(`## Soak: ${settings.rate} requests/s for ${settings.durationS / 60} min against 2 instances (${date.toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  lines.push('');
  lines.push(`- Command: \`${commandLine(VARIABLES, 'bench:soak')}\`, revision ${gitRevision()}`);
  lines.push(`- Machine: ${machineDescription()}; PostgreSQL ${pgVersion} (${database.source}); Redis: ${redisUrl ? (external ? 'BENCH_REDIS_URL' : 'a redis-server started by the run') : 'none (per-instance state)'}`);
  lines.push(`- Load average (1 min) when the run started: ${load1.toFixed(2)}; registry: ${fmtInt(registry.total)} records; ${settings.users} accounts, bcrypt cost ${settings.bcryptCost}`);
  lines.push(`- Mix per 100 requests: ${MIX.map(([kind, n]) => `${n} ${kind}`).join(', ')}; open loop (a request starts every ${fmtMs(1000 / settings.rate)} ms whatever the others do), alternating between the instances; at most ${load.maxInFlight} in flight at once`);
  lines.push('');
  lines.push('| target | measured | |');
  lines.push('|---|---|---|');
  lines.push(`| 0 errors | ${errors.length} of ${fmtInt(load.outcomes.length)} requests (warm-up included) | ${met(errors.length === 0)} |`);
  lines.push(`| p99 of the last minute <= ${TARGETS.p99Growth} x the first's | ${fmtMs(lastMinute.p99)} ms vs ${fmtMs(firstMinute.p99)} ms (${p99Ratio.toFixed(2)} x) | ${met(p99Ratio <= TARGETS.p99Growth)} |`);
  lines.push(
    `| heap and RSS growth < ${TARGETS.memoryGrowth * 100} %, first to last measured minute | ${growth.map((g, i) => `instance ${i + 1}: heap ${pct(g.heap)}, RSS ${pct(g.rss)}`).join('; ')} | ${met(worstGrowth < TARGETS.memoryGrowth)} |`,
  );
  lines.push(`| api_logs rows = requests | ${fmtInt(logged)} rows for ${fmtInt(sent)} requests | ${met(logged === sent)} |`);
  lines.push('');
  lines.push('Per measured minute (latency from sending the request to the last byte of the answer; memory: mean of the samples taken every 5 s):');
  lines.push('');
  lines.push('| minute | requests | errors | p50 ms | p99 ms | heap MB (1 / 2) | RSS MB (1 / 2) |');
  lines.push('|---:|---:|---:|---:|---:|---|---|');
  for (const m of perMinute) {
    lines.push(`| ${m.index} | ${fmtInt(m.requests)} | ${m.errors} | ${fmtMs(m.p50)} | ${fmtMs(m.p99)} | ${m.heapMb.map((v) => v.toFixed(1)).join(' / ')} | ${m.rssMb.map((v) => v.toFixed(1)).join(' / ')} |`);
  }
  lines.push('');
  lines.push('By kind (measured part):');
  lines.push('');
  lines.push('| request | count | errors | p50 ms | p99 ms |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const k of byKind) lines.push(`| ${k.kind} | ${fmtInt(k.count)} | ${k.errors} | ${fmtMs(k.p50)} | ${fmtMs(k.p99)} |`);
  if (errorKinds.size > 0) {
    lines.push('');
    lines.push('Errors:');
    lines.push('');
    for (const [what, n] of [...errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`- ${n} x ${what}`);
  }
  const report = lines.join('\n') + '\n';
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `soak-${stamp}.md`);
  writeFileSync(file, report);
  process.stdout.write(report);
  log(`report written to ${relative(ROOT, file)}`);
  const failed = errors.length > 0 || p99Ratio > TARGETS.p99Growth || worstGrowth >= TARGETS.memoryGrowth || logged !== sent;
  if (failed) process.exitCode = 2;
  agent.destroy();
}

runMain(main);
