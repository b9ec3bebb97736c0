/**
 * Identity benchmark (issue 3): what the API's sign-in and its authenticated requests cost,
 * each against a baseline measured in the same run.
 *
 *   1. POST /v1/auth/login, rotating over BENCH_USERS registered users, vs raw `bcrypt.compare`
 *      at the same cost with the same concurrency, in a child process of its own
 *      (bench/bcrypt-worker.ts, libuv thread pool like the API). Target: ratio >= 0.85.
 *   2. GET /v1/users/me (bearer tokens of those users, one per connection) vs the bare Fastify +
 *      pg server's GET /user/:id (the same row by primary key). Targets: ratio >= 0.50 and the
 *      API's p99 under 50 ms at 20 connections.
 *
 * Run with `npm run bench:identity` (builds first). Environment, all optional:
 *   BENCH_DATABASE_URL       PostgreSQL to use; without it an embedded server is started in a temp dir
 *   BENCH_BCRYPT_COST        bcrypt cost of the API and of the baseline (12, as in production)
 *   BENCH_USERS              accounts registered through the API and used by both parts (20)
 *   BENCH_LOGIN_CONNECTIONS  concurrent logins, and concurrent compare loops of the baseline (20)
 *   BENCH_LOGIN_DURATION_S   measured seconds per login / raw bcrypt run (20)
 *   BENCH_CONNECTIONS        concurrent connections of the GET /v1/users/me part (20)
 *   BENCH_DURATION_S         measured seconds per GET /v1/users/me / GET /user/:id run (10)
 *   BENCH_WARMUP_S           warm-up seconds before each measured run (3)
 *   BENCH_ROUNDS             measured runs per server and part, interleaved (2)
 *   BENCH_RATE_LIMIT_TTL_MS  the API's RATE_LIMIT_TTL_MS (unset: the API's default, 60 s)
 *   BENCH_PROFILE            1: run the API with --cpu-prof and add a CPU profile summary of
 *                            each part to the report (the .cpuprofile stays in bench/out/)
 *
 * Progress goes to stderr; the Markdown report goes to stdout and to
 * bench/out/identity-<timestamp>.md. Any non-2xx response (login must answer 200), socket error
 * or timeout fails the run. Everything started here is stopped at the end, also on error or
 * Ctrl-C; with BENCH_DATABASE_URL the accounts the run registered (and their sessions) are
 * deleted again.
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import type { BcryptRunResult } from './bcrypt-worker';
import { profileSpan, summariseProfile, type Window } from './cpu-profile';
import {
  assertClean,
  commandLine,
  deleteRunDataOnCleanup,
  fmtInt,
  fmtMs,
  fmtRatio,
  forkHelper,
  gitRevision,
  intFromEnv,
  log,
  machineDescription,
  mergeSorted,
  OUT_DIR,
  percentile,
  postgresVersion,
  provideDatabase,
  ROOT,
  runMain,
  sleep,
  processCpuMs,
  startApi,
  startBareProcess,
  stopChild,
} from './lib';

const BCRYPT_WORKER = join(__dirname, 'bcrypt-worker.js');

const settings = {
  bcryptCost: intFromEnv('BENCH_BCRYPT_COST', 12, 4, 15),
  users: intFromEnv('BENCH_USERS', 20, 1, 1000),
  loginConnections: intFromEnv('BENCH_LOGIN_CONNECTIONS', 20, 1),
  loginDurationS: intFromEnv('BENCH_LOGIN_DURATION_S', 20, 1),
  connections: intFromEnv('BENCH_CONNECTIONS', 20, 1),
  durationS: intFromEnv('BENCH_DURATION_S', 10, 1),
  warmupS: intFromEnv('BENCH_WARMUP_S', 3, 0),
  rounds: intFromEnv('BENCH_ROUNDS', 2, 1),
  /** 0: leave RATE_LIMIT_TTL_MS to the API's default. */
  rateLimitTtlMs: intFromEnv('BENCH_RATE_LIMIT_TTL_MS', 0, 1),
  profile: ['1', 'true', 'yes'].includes((process.env.BENCH_PROFILE ?? '').trim().toLowerCase()),
};

const VARIABLES = [
  'BENCH_DATABASE_URL',
  'BENCH_BCRYPT_COST',
  'BENCH_USERS',
  'BENCH_LOGIN_CONNECTIONS',
  'BENCH_LOGIN_DURATION_S',
  'BENCH_CONNECTIONS',
  'BENCH_DURATION_S',
  'BENCH_WARMUP_S',
  'BENCH_ROUNDS',
  'BENCH_RATE_LIMIT_TTL_MS',
  'BENCH_PROFILE',
];

const TARGETS = { login: 0.85, me: 0.5, meP99Ms: 50, meConnections: 20 };

/**
 * Sent with every request to the API: registration and logins then come from a known device
 * (no new-device notices), and the run can find its rows in the request log (api_logs) again.
 * Set per run in main().
 */
let userAgent = 'clearmark-bench/identity';

/** One measured run. `count` is logins, compares or requests completed in `durationS`. */
interface Run {
  part: 'login' | 'me';
  server: 'app' | 'bcrypt' | 'bare';
  what: string;
  round: number;
  count: number;
  durationS: number;
  rate: number;
  /** Response (or compare) times in ms, ascending. */
  latencies: Float64Array;
  non2xx: number;
  /** When it ran, µs of the monotonic clock (to pick the matching CPU profile samples). */
  window: Window;
  /** CPU time the server process used during the measured run, in ms (/users/me part, Linux only). */
  cpuMs?: number;
}

interface BenchUser {
  id: string;
  email: string;
  accessToken: string;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

// ---------------------------------------------------------------------------------------------
// Accounts

async function registerUsers(base: string, runId: string, password: string): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array(settings.users);
  let next = 0;
  // Four at a time: registration hashes the password on the API's thread pool (4 threads).
  const worker = async () => {
    for (let i = next++; i < settings.users; i = next++) {
      const email = `bench-${runId}-${i}@example.com`;
      const response = await fetch(`${base}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': userAgent },
        body: JSON.stringify({ email, password, name: `Bench user ${i}` }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST /v1/auth/register for ${email} answered ${response.status}: ${text}`);
      const body = JSON.parse(text) as { user?: { id?: string; email?: string }; accessToken?: string };
      if (typeof body.user?.id !== 'string' || typeof body.accessToken !== 'string') {
        throw new Error(`POST /v1/auth/register answered 201 without user.id and accessToken: ${text}`);
      }
      users[i] = { id: body.user.id, email, accessToken: body.accessToken };
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, settings.users) }, worker));
  return users;
}

/** The stored hash of the first account: it proves BCRYPT_COST took effect and is what the baseline compares against. */
async function storedHash(databaseUrl: string, userId: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
    const hash = rows[0]?.password_hash;
    if (!hash) throw new Error(`user ${userId} has no password hash in the database`);
    const cost = /^\$2[aby]\$(\d\d)\$/.exec(hash)?.[1];
    if (Number(cost) !== settings.bcryptCost) {
      throw new Error(`the API stored a bcrypt hash of cost ${cost ?? '(not bcrypt)'}, expected ${settings.bcryptCost}`);
    }
    return hash;
  } finally {
    await client.end();
  }
}


/** GET /v1/users/me of every account, and the bare server's answer for the first: same account, same shape. */
async function checkProfiles(app: string, bare: string, users: BenchUser[]): Promise<void> {
  const fields = ['id', 'email', 'name', 'role', 'status', 'createdAt', 'lastLoginAt'];
  for (const [i, user] of users.entries()) {
    const response = await fetch(`${app}/v1/users/me`, { headers: { authorization: `Bearer ${user.accessToken}`, 'user-agent': userAgent } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`API GET /v1/users/me as ${user.email} answered ${response.status}: ${text}`);
    const me = JSON.parse(text) as Record<string, unknown>;
    if (me.id !== user.id || me.email !== user.email) throw new Error(`API GET /v1/users/me as ${user.email} answered another account: ${text}`);
    if (i > 0) continue;
    const bareResponse = await fetch(`${bare}/user/${user.id}`);
    const bareText = await bareResponse.text();
    if (bareResponse.status !== 200) throw new Error(`bare GET /user/${user.id} answered ${bareResponse.status}: ${bareText}`);
    const row = JSON.parse(bareText) as Record<string, unknown>;
    const differing = fields.filter((f) => JSON.stringify(row[f]) !== JSON.stringify(me[f]));
    if (differing.length > 0 || Object.keys(me).sort().join() !== [...fields].sort().join()) {
      throw new Error(`the bare GET /user/:id and the API's GET /v1/users/me differ (${differing.join(', ') || 'fields'}):\n  API  ${text}\n  bare ${bareText}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Load

/** An autocannon run in which client number i (one per connection) sends `requestsOf(i)` in turn. */
async function load(
  options: autocannon.Options,
  requestsOf: (client: number) => autocannon.Request[],
  label: string,
  expectedStatus?: number,
): Promise<{ result: autocannon.Result; latencies: Float64Array }> {
  const samples: number[] = [];
  let clients = 0;
  const result = await autocannon({
    ...options,
    setupClient: (client) => {
      client.setRequests(requestsOf(clients++));
      client.on('response', (statusCode, _bytes, durationMs) => {
        if (statusCode >= 200 && statusCode < 300) samples.push(durationMs);
      });
    },
  });
  assertClean(result, label);
  if (expectedStatus !== undefined) {
    const other = Object.keys(result.statusCodeStats).filter((code) => code !== String(expectedStatus));
    if (other.length > 0) throw new Error(`${label}: expected only ${expectedStatus}, got ${JSON.stringify(result.statusCodeStats)}`);
  }
  return { result, latencies: Float64Array.from(samples).sort() };
}

/**
 * After a login run the API still finishes the requests that were in flight when autocannon
 * stopped (their bcrypt work is queued on the thread pool): wait for that before the next run.
 */
async function settle(latencies: Float64Array): Promise<void> {
  const longest = latencies.length > 0 ? (latencies[latencies.length - 1] as number) : 5_000;
  await sleep(Math.ceil(longest) + 500);
}

function loginRequests(users: BenchUser[], password: string): (client: number) => autocannon.Request[] {
  const all = users.map((u) => ({
    method: 'POST',
    path: '/v1/auth/login',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email: u.email, password }),
  }));
  // Every client goes through all accounts, each starting at another one.
  return (client) => {
    const offset = client % all.length;
    return [...all.slice(offset), ...all.slice(0, offset)];
  };
}

async function measureLogin(app: string, users: BenchUser[], password: string, round: number): Promise<Run> {
  const label = `app POST /v1/auth/login (round ${round}/${settings.rounds})`;
  const options: autocannon.Options = { url: app, connections: settings.loginConnections, timeout: 120 };
  const requestsOf = loginRequests(users, password);
  if (settings.warmupS > 0) {
    const warmup = await load({ ...options, duration: settings.warmupS }, requestsOf, `${label} warm-up`, 200);
    await settle(warmup.latencies);
  }
  const start = monotonicUs();
  const { result, latencies } = await load({ ...options, duration: settings.loginDurationS }, requestsOf, label, 200);
  const end = monotonicUs();
  await settle(latencies);
  return {
    part: 'login',
    server: 'app',
    what: 'POST /v1/auth/login',
    round,
    count: result.requests.total,
    durationS: result.duration,
    rate: result.requests.total / result.duration,
    latencies,
    non2xx: result.non2xx,
    window: [start, end],
  };
}

async function measureBcrypt(worker: ChildProcess, password: string, hash: string, round: number): Promise<Run> {
  const runOnce = (durationS: number) =>
    new Promise<BcryptRunResult>((resolveRun, reject) => {
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`the bcrypt baseline exited (code ${code ?? signal}) during a run`));
      worker.once('exit', onExit);
      worker.once('message', (message) => {
        worker.off('exit', onExit);
        resolveRun(message as BcryptRunResult);
      });
      worker.send({ type: 'run', password, hash, concurrency: settings.loginConnections, durationMs: durationS * 1000 });
    });
  if (settings.warmupS > 0) await runOnce(settings.warmupS);
  const start = monotonicUs();
  const result = await runOnce(settings.loginDurationS);
  const end = monotonicUs();
  if (result.completed === 0) throw new Error(`raw bcrypt (round ${round}): no compare finished in ${settings.loginDurationS} s`);
  return {
    part: 'login',
    server: 'bcrypt',
    what: `bcrypt.compare, cost ${settings.bcryptCost}`,
    round,
    count: result.completed,
    durationS: result.durationS,
    rate: result.completed / result.durationS,
    latencies: Float64Array.from(result.latencies).sort(),
    non2xx: 0,
    window: [start, end],
  };
}

async function measureMe(server: 'app' | 'bare', base: string, pid: number | undefined, users: BenchUser[], round: number): Promise<Run> {
  const what = server === 'app' ? 'GET /v1/users/me' : 'GET /user/:id';
  const label = `${server} ${what} (round ${round}/${settings.rounds})`;
  // Connection i acts as account i (modulo the number of accounts), on both servers.
  const requestsOf = (client: number): autocannon.Request[] => {
    const user = users[client % users.length] as BenchUser;
    return server === 'app'
      ? [{ method: 'GET', path: '/v1/users/me', headers: { authorization: `Bearer ${user.accessToken}`, 'user-agent': userAgent } }]
      : [{ method: 'GET', path: `/user/${user.id}` }];
  };
  const options: autocannon.Options = { url: base, connections: settings.connections };
  if (settings.warmupS > 0) await load({ ...options, duration: settings.warmupS }, requestsOf, `${label} warm-up`, 200);
  const cpuBefore = processCpuMs(pid);
  const start = monotonicUs();
  const { result, latencies } = await load({ ...options, duration: settings.durationS }, requestsOf, label, 200);
  const end = monotonicUs();
  const cpuAfter = processCpuMs(pid);
  return {
    cpuMs: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
    part: 'me',
    server,
    what,
    round,
    count: result.requests.total,
    durationS: result.duration,
    rate: result.requests.total / result.duration,
    latencies,
    non2xx: result.non2xx,
    window: [start, end],
  };
}

function logRun(run: Run): void {
  const unit = run.part === 'login' ? (run.server === 'app' ? 'logins/s' : 'compares/s') : 'req/s';
  log(
    `  ${run.rate >= 100 ? Math.round(run.rate) : run.rate.toFixed(2)} ${unit} (${run.count} in ${run.durationS.toFixed(1)} s), ` +
      `p50 ${fmtMs(percentile(run.latencies, 50))} ms, p99 ${fmtMs(percentile(run.latencies, 99))} ms, non-2xx ${run.non2xx}` +
      (run.cpuMs !== undefined ? `, server CPU ${fmtCpuUs(run)} µs/request` : ''),
  );
}

/** Server CPU time per completed request, in µs (the /users/me part). */
function cpuUsPerRequest(runs: Run[]): number | undefined {
  if (runs.some((r) => r.cpuMs === undefined)) return undefined;
  const count = runs.reduce((a, r) => a + r.count, 0);
  return count > 0 ? (runs.reduce((a, r) => a + (r.cpuMs as number), 0) * 1000) / count : undefined;
}

function fmtCpuUs(run: Run): string {
  const us = cpuUsPerRequest([run]);
  return us === undefined ? '–' : us.toFixed(0);
}

// ---------------------------------------------------------------------------------------------
// Report

interface Summary {
  rate: number;
  count: number;
  p50: number;
  p99: number;
  non2xx: number;
}

function summarise(runs: Run[]): Summary {
  const count = runs.reduce((a, r) => a + r.count, 0);
  const seconds = runs.reduce((a, r) => a + r.durationS, 0);
  const all = mergeSorted(runs.map((r) => r.latencies));
  return { rate: count / seconds, count, p50: percentile(all, 50), p99: percentile(all, 99), non2xx: runs.reduce((a, r) => a + r.non2xx, 0) };
}

const fmtRate = (n: number) => (n >= 100 ? fmtInt(n) : n.toFixed(2));
const met = (ok: boolean) => (ok ? '**met**' : '**missed**');

interface Context {
  date: Date;
  database: string;
  pgVersion: string;
  apiEnv: Record<string, string>;
  threadPool: string;
  profileSections: string[];
  /** 1-minute load average when the run started, before it started anything. */
  load: number;
  /** Git revision when the run started (just after the build). */
  revision: string;
}

function report(runs: Run[], context: Context): { markdown: string; ratios: { login: number; me: number; meP99: number } } {
  const login = summarise(runs.filter((r) => r.part === 'login' && r.server === 'app'));
  const bcrypt = summarise(runs.filter((r) => r.part === 'login' && r.server === 'bcrypt'));
  const me = summarise(runs.filter((r) => r.part === 'me' && r.server === 'app'));
  const bare = summarise(runs.filter((r) => r.part === 'me' && r.server === 'bare'));
  const ratios = { login: login.rate / bcrypt.rate, me: me.rate / bare.rate, meP99: me.p99 };
  const meCpuUs = cpuUsPerRequest(runs.filter((r) => r.part === 'me' && r.server === 'app'));
  const bareCpuUs = cpuUsPerRequest(runs.filter((r) => r.part === 'me' && r.server === 'bare'));

  const lines: string[] = [];
  lines.push(`# Identity benchmark, ${context.date.toISOString()}`);
  lines.push('');
  lines.push(`- Command: \`${commandLine(VARIABLES, 'bench:identity')}\``);
  lines.push(`- Revision: ${context.revision}`);
  lines.push(`- Machine: ${machineDescription()}`);
  lines.push(`- PostgreSQL ${context.pgVersion}: ${context.database}`);
  lines.push(
    `- Load average (1 min) when the run started: ${context.load.toFixed(2)} on ${cpus().length} CPUs ` +
      '(other work on the machine at that moment; above about 0.5 expect noisier figures)',
  );
  lines.push(
    `- API environment: \`${Object.entries(context.apiEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}\`; SESSION_CACHE_TTL_MS ${process.env.SESSION_CACHE_TTL_MS || '2000 (default)'}; ` +
      `UV_THREADPOOL_SIZE ${context.threadPool} in the API and in the bcrypt baseline`,
  );
  lines.push(
    `- Accounts: ${settings.users} registered through POST /v1/auth/register at the start of the run (bcrypt cost ${settings.bcryptCost}, ` +
      `checked in the stored hash); every request to the API sends the same User-Agent, so sign-ins are from a known device (no new-device notice)`,
  );
  lines.push(
    `- Login: autocannon, ${settings.loginConnections} connections, each going through all ${settings.users} accounts in turn; ` +
      `baseline: \`bcrypt.compare\` of the first account's stored hash in a child process, ${settings.loginConnections} concurrent loops; ` +
      `${settings.warmupS} s warm-up + ${settings.loginDurationS} s measured per run, ${settings.rounds} round(s) each, interleaved (API/bcrypt, then bcrypt/API); ` +
      'after each API run the runner waits until the requests still in flight are done',
  );
  lines.push(
    `- GET /v1/users/me: autocannon, ${settings.connections} connections, connection i with the access token of account i mod ${settings.users}; ` +
      `bare: GET /user/<id of the same account> (\`SELECT id, email, name, role, status, created_at, last_login_at FROM users WHERE id = $1\`); ` +
      `${settings.warmupS} s warm-up + ${settings.durationS} s measured per run, ${settings.rounds} round(s) each, interleaved (API/bare, then bare/API)`,
  );
  lines.push(
    '- rate = completed over all rounds / seconds measured; p50 and p99 = percentiles of every 2xx response time (login, /users/me) or every compare ' +
      '(from its start, including its wait for a pool thread) of all rounds, measured on the client',
  );
  lines.push('');
  lines.push('| Part | Server | Work | per s | p50 ms | p99 ms | non-2xx | ratio |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|');
  lines.push(
    `| Login | API (NestJS) | POST /v1/auth/login | ${fmtRate(login.rate)} | ${fmtMs(login.p50)} | ${fmtMs(login.p99)} | ${login.non2xx} | **${fmtRatio(ratios.login)}** |`,
  );
  lines.push(`| Login | raw bcrypt | bcrypt.compare, cost ${settings.bcryptCost} | ${fmtRate(bcrypt.rate)} | ${fmtMs(bcrypt.p50)} | ${fmtMs(bcrypt.p99)} | – | |`);
  lines.push(`| Users/me | API (NestJS) | GET /v1/users/me | ${fmtRate(me.rate)} | ${fmtMs(me.p50)} | ${fmtMs(me.p99)} | ${me.non2xx} | **${fmtRatio(ratios.me)}** |`);
  lines.push(`| Users/me | bare Fastify + pg | GET /user/:id | ${fmtRate(bare.rate)} | ${fmtMs(bare.p50)} | ${fmtMs(bare.p99)} | ${bare.non2xx} | |`);
  lines.push('');
  if (meCpuUs !== undefined && bareCpuUs !== undefined) {
    lines.push(
      `Server CPU time per request (user + system, all threads, from /proc; PostgreSQL's not included): API ${meCpuUs.toFixed(0)} µs, ` +
        `bare ${bareCpuUs.toFixed(0)} µs; bare ÷ API = **${fmtRatio(bareCpuUs / meCpuUs)}**, the req/s ratio each would reach with a core of its own. ` +
        'It moves less with what else runs on the machine than req/s does (not nothing: cache and scheduling costs count too).',
    );
    lines.push('');
  }
  lines.push('| Target | Measured | |');
  lines.push('|---|---:|---|');
  lines.push(`| logins/s ÷ raw bcrypt compares/s >= ${TARGETS.login} | ${fmtRatio(ratios.login)} | ${met(ratios.login >= TARGETS.login)} |`);
  lines.push(`| GET /v1/users/me ÷ bare GET /user/:id req/s >= ${TARGETS.me} | ${fmtRatio(ratios.me)} | ${met(ratios.me >= TARGETS.me)} |`);
  const p99Note = settings.connections === TARGETS.meConnections ? '' : ` (measured at ${settings.connections} connections, not ${TARGETS.meConnections})`;
  lines.push(`| GET /v1/users/me p99 < ${TARGETS.meP99Ms} ms at ${TARGETS.meConnections} connections${p99Note} | ${fmtMs(ratios.meP99)} ms | ${met(ratios.meP99 < TARGETS.meP99Ms)} |`);
  lines.push('');
  lines.push('Per round (in the order run):');
  lines.push('');
  lines.push('| Part | Round | Server | Work | per s | p50 ms | p99 ms | non-2xx | ratio | server CPU µs/req |');
  lines.push('|---|---:|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const partner = runs.find((o) => o.part === r.part && o.round === r.round && o.server !== r.server);
    const ratio = r.server === 'app' && partner ? fmtRatio(r.rate / partner.rate) : '';
    const server = r.server === 'app' ? 'API' : r.server === 'bcrypt' ? 'raw bcrypt' : 'bare';
    lines.push(
      `| ${r.part === 'login' ? 'Login' : 'Users/me'} | ${r.round} | ${server} | ${r.what} | ${fmtRate(r.rate)} | ${fmtMs(percentile(r.latencies, 50))} | ${fmtMs(percentile(r.latencies, 99))} | ${r.server === 'bcrypt' ? '–' : r.non2xx} | ${ratio} | ${r.part === 'me' ? fmtCpuUs(r) : ''} |`,
    );
  }
  lines.push('');
  if (context.profileSections.length > 0) {
    lines.push('### CPU profile of the API (BENCH_PROFILE=1)');
    lines.push('');
    lines.push(
      'The API ran with `node --cpu-prof`; these summaries take only the samples of its measured runs. A profiler slows the process it samples, ' +
        'so the rates above are lower than without BENCH_PROFILE: read them for where the time goes, not for the ratios.',
    );
    lines.push('');
    lines.push(...context.profileSections);
  }
  return { markdown: lines.join('\n'), ratios };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const date = new Date();
  const revision = gitRevision();
  const loadAtStart = loadavg()[0] as number;
  if (loadAtStart > 0.5) log(`load average ${loadAtStart.toFixed(2)}: other work is running on this machine, expect noisy figures`);
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const loginRunS = settings.warmupS + settings.loginDurationS + 3;
  const meRunS = settings.warmupS + settings.durationS;
  const estimateS = 30 + settings.rounds * 2 * (loginRunS + meRunS);
  log(`${settings.rounds} round(s) of login vs raw bcrypt and of /v1/users/me vs bare: about ${Math.ceil(estimateS / 60)} min`);
  // Access tokens come from registration at the start and must outlive the whole run.
  const accessTtlS = Math.min(86_400, Math.max(900, 2 * estimateS + 600));

  const database = await provideDatabase();
  const pgVersion = await postgresVersion(database.url);
  log(`PostgreSQL ${pgVersion}: ${database.source}`);

  const runId = `${date.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
  const password = `bench ${randomBytes(12).toString('base64url')}`;
  userAgent = `clearmark-bench/identity ${runId}`;
  deleteRunDataOnCleanup(database, runId, [userAgent]);

  const apiEnv: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_PRETTY: 'false',
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '20',
    BCRYPT_COST: String(settings.bcryptCost),
    RATE_LIMIT_MAX: '100000000',
    ...(settings.rateLimitTtlMs > 0 ? { RATE_LIMIT_TTL_MS: String(settings.rateLimitTtlMs) } : {}),
    AUTH_RATE_LIMIT_MAX: '100000000',
    ACCESS_TOKEN_TTL_S: String(accessTtlS),
  };
  const profileDir = join(OUT_DIR, `identity-${stamp}-profile`);
  const nodeArgs = settings.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  if (settings.profile) mkdirSync(profileDir, { recursive: true });

  log('starting the API (dist/apps/api/src/main.js) and waiting for /health/ready');
  const api = await startApi(database.url, { ...apiEnv, JWT_SECRET: randomBytes(36).toString('base64') }, nodeArgs);
  log(`API ready on ${api.base}`);

  log(`registering ${settings.users} accounts (bcrypt cost ${settings.bcryptCost})`);
  const users = await registerUsers(api.base, runId, password);
  const hash = await storedHash(database.url, (users[0] as BenchUser).id);

  const bareServer = await startBareProcess(database.url);
  const bare = bareServer.base;
  log(`bare server ready on ${bare}`);
  await checkProfiles(api.base, bare, users);

  const worker = await forkHelper(BCRYPT_WORKER, 'bcrypt baseline', { ...process.env }, (message) => {
    const m = message as { ready?: unknown; threadPool?: unknown } | null;
    return m?.ready === true ? String(m.threadPool) : null;
  });
  const threadPool = worker.value;
  log(`bcrypt baseline ready (UV_THREADPOOL_SIZE ${threadPool})`);

  const linesBefore = api.output.total;
  const runs: Run[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    // API first in odd rounds, baseline first in even ones: cancels a linear drift.
    const order = round % 2 === 1 ? (['app', 'bcrypt'] as const) : (['bcrypt', 'app'] as const);
    for (const server of order) {
      if (server === 'app') {
        log(`API POST /v1/auth/login (round ${round}/${settings.rounds}): ${settings.warmupS} s warm-up + ${settings.loginDurationS} s, ${settings.loginConnections} connections`);
        runs.push(await measureLogin(api.base, users, password, round));
      } else {
        log(`raw bcrypt.compare (round ${round}/${settings.rounds}): ${settings.warmupS} s warm-up + ${settings.loginDurationS} s, ${settings.loginConnections} loops`);
        runs.push(await measureBcrypt(worker.child, password, hash, round));
      }
      logRun(runs[runs.length - 1] as Run);
    }
  }
  for (let round = 1; round <= settings.rounds; round++) {
    const order = round % 2 === 1 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
    for (const server of order) {
      const what = server === 'app' ? 'GET /v1/users/me' : 'GET /user/:id';
      log(`${server === 'app' ? 'API' : 'bare'} ${what} (round ${round}/${settings.rounds}): ${settings.warmupS} s warm-up + ${settings.durationS} s, ${settings.connections} connections`);
      runs.push(await measureMe(server, server === 'app' ? api.base : bare, server === 'app' ? api.child.pid : bareServer.child.pid, users, round));
      logRun(runs[runs.length - 1] as Run);
    }
  }

  // LOG_LEVEL=warn: anything the API wrote while under load deserves a look (slow queries, errors).
  const logged = api.output.total - linesBefore;
  if (logged > 0) {
    log(`the API wrote ${logged} log line(s) while under load; the last ones:`);
    for (const line of api.output.lines.slice(-Math.min(10, logged))) log(`  ${line}`);
  }

  const profileSections: string[] = [];
  if (settings.profile) {
    // The profile is written when the API exits.
    await stopChild(api.child, 'API');
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      log(`no .cpuprofile in ${relative(ROOT, profileDir)}: the API did not exit cleanly`);
    } else {
      const path = join(profileDir, file);
      const [start, end] = profileSpan(path);
      const inside = runs.filter((r) => r.server === 'app').every((r) => r.window[0] >= start && r.window[1] <= end);
      if (!inside) log('the run windows do not fall inside the profile span: summarising the whole profile instead');
      for (const part of ['login', 'me'] as const) {
        const windows = runs.filter((r) => r.part === part && r.server === 'app').map((r) => r.window);
        const title = part === 'login' ? 'During the measured POST /v1/auth/login runs' : 'During the measured GET /v1/users/me runs';
        profileSections.push(summariseProfile(path, inside ? windows : null, title).markdown);
      }
      log(`CPU profile: ${relative(ROOT, path)}`);
    }
  }

  const { markdown, ratios } = report(runs, { date, database: database.source, pgVersion, apiEnv, threadPool, profileSections, load: loadAtStart, revision });
  process.stdout.write(`${markdown}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `identity-${stamp}.md`);
  writeFileSync(file, markdown);
  log(`report written to ${relative(ROOT, file)}`);
  log(
    `login/raw bcrypt ${fmtRatio(ratios.login)} (target >= ${TARGETS.login}), /v1/users/me API/bare ${fmtRatio(ratios.me)} (target >= ${TARGETS.me}), ` +
      `API p99 ${fmtMs(ratios.meP99)} ms (target < ${TARGETS.meP99Ms} ms)`,
  );
}

runMain(main);
