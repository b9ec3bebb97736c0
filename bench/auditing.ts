/**
 * Auditing benchmark (issue 4): what the request log (api_logs, switch API_LOG_ENABLED) and the
 * audit interceptor (audit_logs, switch AUDIT_REQUESTS_ENABLED) cost per request. Two API
 * processes from the same build run side by side on the same database, one with both switches
 * on (the defaults), one with both off, and are measured in the same run, in alternating order:
 *
 *   1. GET /v1/users/me: one api_logs row per request when on; not audited (the interceptor
 *      records mutating requests only, but runs on every request). Target: req/s with logging on
 *      ÷ req/s with logging off >= 0.90 at 20 connections.
 *   2. PUT /v1/users/me/preferences: logged, and audited when on (one hash-chained audit_logs
 *      row per request, written before the answer). No target: it shows what the audit write costs.
 *
 * At the end the "on" process is stopped with SIGTERM (its request-log buffer is flushed on the
 * way out), and the run counts the rows the two processes wrote: every answer the "on" process
 * gave the benchmark must have exactly one api_logs row, every 2xx PUT it answered one
 * audit_logs row, and the "off" process must have written none of either. Each process gets
 * requests with a User-Agent of its own, which is how the rows are told apart. A mismatch is
 * reported and makes the run exit 1.
 *
 * To make those counts exact, no request may be cut off in flight: autocannon stops a
 * duration-bound run by destroying its connections, each with a request the API may or may not
 * still answer (and log). Here each run is timed by the runner instead: after the duration,
 * every connection sends no further request, waits for the answer to the one it has in flight,
 * then closes. Throughput = answers / time from the first connection to the last close.
 *
 * Run with `npm run bench:auditing` (builds first). Environment, all optional:
 *   BENCH_DATABASE_URL   PostgreSQL to use; without it an embedded server is started in a temp dir
 *   BENCH_BCRYPT_COST    the API's bcrypt cost (4: only registration hashes, and it is not measured)
 *   BENCH_USERS          accounts registered through the "on" process (20); connection i acts as account i
 *   BENCH_CONNECTIONS    concurrent connections (20)
 *   BENCH_DURATION_S     measured seconds per run (10)
 *   BENCH_WARMUP_S       warm-up seconds before each measured run (3)
 *   BENCH_ROUNDS         measured runs per process and request, interleaved on/off then off/on (2)
 *
 * Progress goes to stderr; the Markdown report goes to stdout and to
 * bench/out/auditing-<timestamp>.md. Any non-2xx answer, socket error or timeout fails the run.
 * Everything started here is stopped at the end, also on error or Ctrl-C; with
 * BENCH_DATABASE_URL the run's accounts (with their sessions and preferences) and its api_logs
 * rows are deleted again. Its audit_logs rows stay: that table is append-only by design.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import {
  assertClean,
  commandLine,
  deleteRunDataOnCleanup,
  fmtInt,
  fmtMs,
  fmtRatio,
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
  startApi,
  stopChild,
  type StartedApi,
} from './lib';

const settings = {
  bcryptCost: intFromEnv('BENCH_BCRYPT_COST', 4, 4, 15),
  users: intFromEnv('BENCH_USERS', 20, 1, 1000),
  connections: intFromEnv('BENCH_CONNECTIONS', 20, 1),
  durationS: intFromEnv('BENCH_DURATION_S', 10, 1),
  warmupS: intFromEnv('BENCH_WARMUP_S', 3, 0),
  rounds: intFromEnv('BENCH_ROUNDS', 2, 1),
};

const VARIABLES = [
  'BENCH_DATABASE_URL',
  'BENCH_BCRYPT_COST',
  'BENCH_USERS',
  'BENCH_CONNECTIONS',
  'BENCH_DURATION_S',
  'BENCH_WARMUP_S',
  'BENCH_ROUNDS',
];

const TARGET = { me: 0.9, connections: 20 };

/** How long past its duration a run may take to drain before autocannon cuts it off (a failure). */
const DRAIN_LIMIT_S = 30;

type Logging = 'on' | 'off';
type Part = 'me' | 'prefs';

/** The two switches, set explicitly in both processes (true is the default of both). */
const SWITCHES: Record<Logging, Record<string, string>> = {
  on: { API_LOG_ENABLED: 'true', AUDIT_REQUESTS_ENABLED: 'true' },
  off: { API_LOG_ENABLED: 'false', AUDIT_REQUESTS_ENABLED: 'false' },
};

const PREFERENCES = { locale: 'en', timezone: 'UTC', notifications: {}, defaultClasses: [9] };
/** The audit action of PUT /v1/users/me/preferences (its @Audit decorator). */
const PREFERENCES_ACTION = 'users.update-preferences';

const PARTS: Record<Part, { title: string; method: 'GET' | 'PUT'; path: string; body?: string }> = {
  me: { title: 'GET /v1/users/me', method: 'GET', path: '/v1/users/me' },
  prefs: { title: 'PUT /v1/users/me/preferences', method: 'PUT', path: '/v1/users/me/preferences', body: JSON.stringify(PREFERENCES) },
};

interface BenchUser {
  id: string;
  email: string;
  accessToken: string;
}

/** One of the two API processes, and what the benchmark got from it. */
interface Server {
  logging: Logging;
  api: StartedApi;
  /** Sent with every request to this process: its rows in api_logs and audit_logs carry it. */
  userAgent: string;
  /** Answers this process gave the benchmark (any status), by phase. */
  answers: { setup: number; warmup: number; measured: number };
  /** 2xx answers to PUT /v1/users/me/preferences: each should have left one audit row when on. */
  preferenceWrites: number;
}

/** One measured run. */
interface Run {
  part: Part;
  logging: Logging;
  round: number;
  count: number;
  durationS: number;
  rate: number;
  /** Response times of the 2xx answers in ms, ascending. */
  latencies: Float64Array;
  non2xx: number;
}

const total = (s: Server) => s.answers.setup + s.answers.warmup + s.answers.measured;

// ---------------------------------------------------------------------------------------------
// Accounts and checks

/** One request outside autocannon, counted as an answer of `server`. */
async function call(server: Server, method: 'GET' | 'POST' | 'PUT', path: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'user-agent': server.userAgent };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.api.base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  server.answers.setup++;
  if (method === 'PUT' && path === PARTS.prefs.path && response.status >= 200 && response.status < 300) server.preferenceWrites++;
  return { status: response.status, text };
}

async function registerUsers(server: Server, runId: string, password: string): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array(settings.users);
  let next = 0;
  // Four at a time: registration hashes the password on the API's thread pool (4 threads).
  const worker = async () => {
    for (let i = next++; i < settings.users; i = next++) {
      const email = `bench-${runId}-${i}@example.com`;
      const { status, text } = await call(server, 'POST', '/v1/auth/register', { body: { email, password, name: `Bench user ${i}` } });
      if (status !== 201) throw new Error(`POST /v1/auth/register for ${email} answered ${status}: ${text}`);
      const body = JSON.parse(text) as { user?: { id?: string }; accessToken?: string };
      if (typeof body.user?.id !== 'string' || typeof body.accessToken !== 'string') {
        throw new Error(`POST /v1/auth/register answered 201 without user.id and accessToken: ${text}`);
      }
      users[i] = { id: body.user.id, email, accessToken: body.accessToken };
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, settings.users) }, worker));
  return users;
}

/**
 * Both processes accept every account's token (same JWT_SECRET) and answer GET /v1/users/me with
 * that account, and PUT /v1/users/me/preferences with the body the load sends.
 */
async function checkServers(servers: Server[], users: BenchUser[]): Promise<void> {
  for (const server of servers) {
    for (const user of users) {
      const { status, text } = await call(server, 'GET', PARTS.me.path, { token: user.accessToken });
      if (status !== 200) throw new Error(`logging ${server.logging}: GET ${PARTS.me.path} as ${user.email} answered ${status}: ${text}`);
      const me = JSON.parse(text) as { id?: unknown; email?: unknown };
      if (me.id !== user.id || me.email !== user.email) throw new Error(`logging ${server.logging}: GET ${PARTS.me.path} as ${user.email} answered another account: ${text}`);
    }
    const first = users[0] as BenchUser;
    const { status, text } = await call(server, 'PUT', PARTS.prefs.path, { token: first.accessToken, body: PREFERENCES });
    if (status !== 200) throw new Error(`logging ${server.logging}: PUT ${PARTS.prefs.path} answered ${status}: ${text}`);
    const stored = JSON.parse(text) as Record<string, unknown>;
    for (const [key, value] of Object.entries(PREFERENCES)) {
      if (JSON.stringify(stored[key]) !== JSON.stringify(value)) {
        throw new Error(`logging ${server.logging}: PUT ${PARTS.prefs.path} stored ${key}=${JSON.stringify(stored[key])}, sent ${JSON.stringify(value)}`);
      }
    }
  }
}


// ---------------------------------------------------------------------------------------------
// Load

/**
 * The parts of autocannon 9's Client (lib/httpClient.js) the drain relies on: `reqsMade`
 * (requests sent), `responseMax` (the client closes instead of sending once reqsMade reaches
 * it) and the 'done' event it emits when it closes.
 */
interface DrainableClient {
  reqsMade: number;
  responseMax?: number;
  on(event: 'done', listener: () => void): unknown;
}

interface Load {
  result: autocannon.Result;
  /** Answers received, any status. */
  answers: number;
  /** From the first connection to the last close, in seconds. */
  elapsedS: number;
  latencies: Float64Array;
}

/**
 * An autocannon run in which connection i sends `requestsOf(i)` in turn for `durationS`, then
 * drains: it waits for the answer to the request it has in flight and closes without sending
 * another. So every request sent is answered and counted, which the row count at the end needs.
 */
async function load(base: string, requestsOf: (client: number) => autocannon.Request[], durationS: number, label: string): Promise<Load> {
  const samples: number[] = [];
  const clients: DrainableClient[] = [];
  let answers = 0;
  let closed = 0;
  let cutOff = 0;
  let unusable = false;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  const drain = () => {
    for (const client of clients) client.responseMax = client.reqsMade;
  };
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url: base,
      connections: settings.connections,
      // Only a safety net: a run normally ends when every connection has drained.
      duration: durationS + DRAIN_LIMIT_S,
      setupClient: (client) => {
        const drainable = client as unknown as DrainableClient;
        if (typeof drainable.reqsMade !== 'number') unusable = true;
        if (start === undefined) {
          start = process.hrtime.bigint();
          drainTimer = setTimeout(drain, durationS * 1000);
        }
        client.setRequests(requestsOf(clients.length));
        clients.push(drainable);
        let answered = 0;
        client.on('response', (statusCode, _bytes, durationMs) => {
          answered++;
          answers++;
          if (statusCode >= 200 && statusCode < 300) samples.push(durationMs);
        });
        drainable.on('done', () => {
          // Drained: every request this connection sent has its answer.
          if (answered !== drainable.reqsMade) cutOff++;
          if (++closed === settings.connections) end = process.hrtime.bigint();
        });
      },
    });
  } finally {
    clearTimeout(drainTimer);
  }
  if (unusable) throw new Error(`${label}: autocannon's client has no numeric reqsMade: this autocannon version cannot be drained`);
  assertClean(result, label);
  const other = Object.keys(result.statusCodeStats).filter((code) => code !== '200');
  if (other.length > 0) throw new Error(`${label}: expected only 200, got ${JSON.stringify(result.statusCodeStats)}`);
  if (cutOff > 0 || start === undefined || end === undefined) {
    throw new Error(`${label}: ${cutOff} connection(s) still had a request in flight when autocannon closed them (no drain within ${DRAIN_LIMIT_S} s)`);
  }
  if (result.requests.total !== answers || result.requests.sent !== answers) {
    throw new Error(`${label}: autocannon counted ${result.requests.sent} sent and ${result.requests.total} completed, the runner ${answers} answers`);
  }
  return { result, answers, elapsedS: Number(end - start) / 1e9, latencies: Float64Array.from(samples).sort() };
}

async function measure(part: Part, server: Server, users: BenchUser[], round: number): Promise<Run> {
  const spec = PARTS[part];
  const label = `logging ${server.logging} ${spec.title} (round ${round}/${settings.rounds})`;
  // Connection i acts as account i (modulo the number of accounts), on both processes.
  const requestsOf = (client: number): autocannon.Request[] => {
    const user = users[client % users.length] as BenchUser;
    const headers: Record<string, string> = { authorization: `Bearer ${user.accessToken}`, 'user-agent': server.userAgent };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    return [{ method: spec.method, path: spec.path, headers, ...(spec.body !== undefined ? { body: spec.body } : {}) }];
  };
  if (settings.warmupS > 0) {
    const warmup = await load(server.api.base, requestsOf, settings.warmupS, `${label} warm-up`);
    server.answers.warmup += warmup.answers;
    if (part === 'prefs') server.preferenceWrites += warmup.result['2xx'];
  }
  const measured = await load(server.api.base, requestsOf, settings.durationS, label);
  server.answers.measured += measured.answers;
  if (part === 'prefs') server.preferenceWrites += measured.result['2xx'];
  return {
    part,
    logging: server.logging,
    round,
    count: measured.answers,
    durationS: measured.elapsedS,
    rate: measured.answers / measured.elapsedS,
    latencies: measured.latencies,
    non2xx: measured.result.non2xx,
  };
}

function logRun(run: Run): void {
  log(
    `  ${Math.round(run.rate)} req/s (${run.count} in ${run.durationS.toFixed(2)} s), ` +
      `p50 ${fmtMs(percentile(run.latencies, 50))} ms, p99 ${fmtMs(percentile(run.latencies, 99))} ms, non-2xx ${run.non2xx}`,
  );
}

// ---------------------------------------------------------------------------------------------
// What the processes wrote

/** The request-log counters of the "on" process (GET /metrics), or why they could not be read. */
async function readLogMetrics(base: string): Promise<string> {
  try {
    const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (response.status !== 200) return `not read (GET /metrics answered ${response.status})`;
    const pick = (name: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(name))
        .map((line) => line.trim())
        .join(', ') || `${name} absent`;
    return `${pick('api_log_dropped_total')}; ${pick('api_log_flush_failures_total')}`;
  } catch (error) {
    return `not read (${error instanceof Error ? error.message : String(error)})`;
  }
}

interface RowCheck {
  what: string;
  expected: number;
  found: number;
  /** How `expected` is made up. */
  basis: string;
}

async function countRows(databaseUrl: string, on: Server, off: Server): Promise<RowCheck[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const count = async (sql: string, params: unknown[]) => Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? Number.NaN);
    const apiLogs = 'SELECT count(*) AS n FROM api_logs WHERE user_agent = $1';
    return [
      {
        what: 'api_logs rows, User-Agent of the "on" process',
        expected: total(on),
        found: await count(apiLogs, [on.userAgent]),
        basis:
          `every answer it gave: ${fmtInt(on.answers.measured)} measured + ${fmtInt(on.answers.warmup)} warm-up + ` +
          `${fmtInt(on.answers.setup)} setup (registrations and checks), all 2xx`,
      },
      { what: 'api_logs rows, User-Agent of the "off" process', expected: 0, found: await count(apiLogs, [off.userAgent]), basis: 'API_LOG_ENABLED=false' },
      {
        what: `audit_logs rows \`${PREFERENCES_ACTION}\`, User-Agent of the "on" process`,
        expected: on.preferenceWrites,
        found: await count('SELECT count(*) AS n FROM audit_logs WHERE user_agent = $1 AND action = $2', [on.userAgent, PREFERENCES_ACTION]),
        basis: 'its 2xx answers to PUT /v1/users/me/preferences (measured, warm-up and check)',
      },
      {
        what: 'audit_logs rows (any action), User-Agent of the "off" process',
        expected: 0,
        found: await count('SELECT count(*) AS n FROM audit_logs WHERE user_agent = $1', [off.userAgent]),
        basis: `AUDIT_REQUESTS_ENABLED=false (it answered ${fmtInt(off.preferenceWrites)} PUTs)`,
      },
    ];
  } finally {
    await client.end();
  }
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

interface Context {
  date: Date;
  revision: string;
  database: string;
  pgVersion: string;
  apiEnv: Record<string, string>;
  load: { start: number; end: number };
  checks: RowCheck[];
  metrics: string;
  onExit: string;
  logLines: Record<Logging, number>;
}

function report(runs: Run[], context: Context): { markdown: string; ratios: Record<Part, number>; rowsMatch: boolean } {
  const pick = (part: Part, logging: Logging) => summarise(runs.filter((r) => r.part === part && r.logging === logging));
  const summaries = {
    me: { on: pick('me', 'on'), off: pick('me', 'off') },
    prefs: { on: pick('prefs', 'on'), off: pick('prefs', 'off') },
  };
  const ratios = { me: summaries.me.on.rate / summaries.me.off.rate, prefs: summaries.prefs.on.rate / summaries.prefs.off.rate };
  const rowsMatch = context.checks.every((c) => c.found === c.expected);

  const lines: string[] = [];
  lines.push(`# Auditing benchmark, ${context.date.toISOString()}`);
  lines.push('');
  lines.push(`- Command: \`${commandLine(VARIABLES, 'bench:auditing')}\``);
  lines.push(`- Revision: ${context.revision}`);
  lines.push(`- Machine: ${machineDescription()}`);
  lines.push(`- PostgreSQL ${context.pgVersion}: ${context.database}`);
  lines.push(
    `- Load average (1 min): ${context.load.start.toFixed(2)} when the run started, ${context.load.end.toFixed(2)} when it ended, on ${cpus().length} CPUs ` +
      '(other work on the machine; above about 0.5 expect noisier figures)',
  );
  lines.push(
    `- Two API processes from the same build on the same database, same environment: \`${Object.entries(context.apiEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}\` and the same random 48-character \`JWT_SECRET\`; ` +
      `logging **on**: \`${Object.entries(SWITCHES.on)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}\` (the defaults); logging **off**: \`${Object.entries(SWITCHES.off)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}\``,
  );
  lines.push(
    `- Accounts: ${settings.users} registered through the "on" process at the start; connection i uses the access token of account i mod ${settings.users} ` +
      `on both processes; each process gets its own User-Agent (\`clearmark-bench/auditing <run id> on|off\`), which tells their rows apart`,
  );
  lines.push(
    `- Load: autocannon, ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured per run, ` +
      `${settings.rounds} round(s) per request and process, interleaved (on/off, then off/on). After the duration each connection waits for ` +
      'the answer it has in flight and closes, so no request is cut off; PUT body `' +
      `${PARTS.prefs.body}\``,
  );
  lines.push(
    '- req/s = answers in all measured runs / their seconds (first connection to last close); p50 and p99 = percentiles of every 2xx response time ' +
      'of all rounds, measured on the client',
  );
  lines.push('');
  lines.push('| Request | Logging | req/s | p50 ms | p99 ms | non-2xx | on/off req/s |');
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  for (const part of ['me', 'prefs'] as const) {
    for (const logging of ['on', 'off'] as const) {
      const s = summaries[part][logging];
      const ratio = logging === 'on' ? `**${fmtRatio(ratios[part])}**` : '';
      lines.push(`| ${PARTS[part].title} | ${logging === 'on' ? 'on (api_logs + audit interceptor)' : 'off'} | ${fmtRate(s.rate)} | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${s.non2xx} | ${ratio} |`);
    }
  }
  lines.push('');
  const note = settings.connections === TARGET.connections ? '' : ` (measured at ${settings.connections} connections, not ${TARGET.connections})`;
  lines.push('| Target | Measured | |');
  lines.push('|---|---:|---|');
  lines.push(
    `| GET /v1/users/me req/s, logging on ÷ off >= ${TARGET.me.toFixed(2)} at ${TARGET.connections} connections${note} | ${fmtRatio(ratios.me)} | ${ratios.me >= TARGET.me ? '**met**' : '**missed**'} |`,
  );
  lines.push(`| PUT /v1/users/me/preferences req/s, logging on ÷ off (no target) | ${fmtRatio(ratios.prefs)} | |`);
  lines.push('');
  lines.push('Per round (in the order run):');
  lines.push('');
  lines.push('| Request | Round | Logging | req/s | seconds | p50 ms | p99 ms | non-2xx | on/off req/s |');
  lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const partner = runs.find((o) => o.part === r.part && o.round === r.round && o.logging !== r.logging);
    const ratio = r.logging === 'on' && partner ? fmtRatio(r.rate / partner.rate) : '';
    lines.push(
      `| ${PARTS[r.part].title} | ${r.round} | ${r.logging} | ${fmtRate(r.rate)} | ${r.durationS.toFixed(2)} | ${fmtMs(percentile(r.latencies, 50))} | ${fmtMs(percentile(r.latencies, 99))} | ${r.non2xx} | ${ratio} |`,
    );
  }
  lines.push('');
  lines.push('### Rows written');
  lines.push('');
  lines.push(
    `Counted after the "on" process was stopped with SIGTERM (${context.onExit}), which flushes its request-log buffer; ` +
      `its request-log counters just before: ${context.metrics}.`,
  );
  lines.push('');
  lines.push('| Rows | Expected | Found | | Expected because |');
  lines.push('|---|---:|---:|---|---|');
  for (const c of context.checks) {
    lines.push(`| ${c.what} | ${fmtInt(c.expected)} | ${fmtInt(c.found)} | ${c.found === c.expected ? 'match' : '**MISMATCH**'} | ${c.basis} |`);
  }
  lines.push('');
  lines.push(
    `Log lines at \`warn\` or above while under load: ${context.logLines.on} from the "on" process, ${context.logLines.off} from the "off" process.`,
  );
  return { markdown: lines.join('\n'), ratios, rowsMatch };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const date = new Date();
  const revision = gitRevision();
  const loadAtStart = loadavg()[0] as number;
  if (loadAtStart > 0.5) log(`load average ${loadAtStart.toFixed(2)}: other work is running on this machine, expect noisy figures`);
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  // Each autocannon run ends up to 1 s after its connections close (its sampling tick).
  const runS = settings.warmupS + settings.durationS + 2;
  const estimateS = 30 + 2 * settings.rounds * 2 * runS;
  log(`${settings.rounds} round(s) of GET /v1/users/me and PUT /v1/users/me/preferences, logging on vs off: about ${Math.ceil(estimateS / 60)} min`);
  // Access tokens come from registration at the start and must outlive the whole run.
  const accessTtlS = Math.min(86_400, Math.max(900, 2 * estimateS + 600));

  const database = await provideDatabase();
  const pgVersion = await postgresVersion(database.url);
  log(`PostgreSQL ${pgVersion}: ${database.source}`);

  const runId = `${date.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
  const password = `bench ${randomBytes(12).toString('base64url')}`;
  const userAgentOf = (logging: Logging) => `clearmark-bench/auditing ${runId} ${logging}`;
  deleteRunDataOnCleanup(database, runId, [userAgentOf('on'), userAgentOf('off')]);

  const apiEnv: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_PRETTY: 'false',
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '20',
    BCRYPT_COST: String(settings.bcryptCost),
    RATE_LIMIT_MAX: '100000000',
    AUTH_RATE_LIMIT_MAX: '100000000',
    ACCESS_TOKEN_TTL_S: String(accessTtlS),
    // No scheduled job (backups, partition maintenance) may start inside a measured process.
    SCHEDULER_ENABLED: 'false',
  };
  const jwtSecret = randomBytes(36).toString('base64');

  // One after the other: each migrates the database on start.
  const servers = {} as Record<Logging, Server>;
  for (const logging of ['on', 'off'] as const) {
    log(`starting the API with logging ${logging} and waiting for /health/ready`);
    const api = await startApi(database.url, { ...apiEnv, ...SWITCHES[logging], JWT_SECRET: jwtSecret });
    servers[logging] = { logging, api, userAgent: userAgentOf(logging), answers: { setup: 0, warmup: 0, measured: 0 }, preferenceWrites: 0 };
    log(`API with logging ${logging} ready on ${api.base}`);
  }
  const { on, off } = servers;

  log(`registering ${settings.users} accounts through the "on" process (bcrypt cost ${settings.bcryptCost})`);
  const users = await registerUsers(on, runId, password);
  await checkServers([on, off], users);

  const linesBefore = { on: on.api.output.total, off: off.api.output.total };
  const runs: Run[] = [];
  for (const part of ['me', 'prefs'] as const) {
    for (let round = 1; round <= settings.rounds; round++) {
      // On first in odd rounds, off first in even ones: cancels a linear drift.
      const order = round % 2 === 1 ? [on, off] : [off, on];
      for (const server of order) {
        log(
          `logging ${server.logging} ${PARTS[part].title} (round ${round}/${settings.rounds}): ${settings.warmupS} s warm-up + ${settings.durationS} s, ${settings.connections} connections`,
        );
        runs.push(await measure(part, server, users, round));
        logRun(runs[runs.length - 1] as Run);
      }
    }
  }
  const loadAtEnd = loadavg()[0] as number;

  // LOG_LEVEL=warn: anything the APIs wrote while under load deserves a look (slow queries, errors).
  const logLines = { on: on.api.output.total - linesBefore.on, off: off.api.output.total - linesBefore.off };
  for (const server of [on, off]) {
    const logged = logLines[server.logging];
    if (logged === 0) continue;
    log(`the API with logging ${server.logging} wrote ${logged} log line(s) while under load; the last ones:`);
    for (const line of server.api.output.lines.slice(-Math.min(10, logged))) log(`  ${line}`);
  }

  const metrics = await readLogMetrics(on.api.base);
  log('stopping the "on" process with SIGTERM (flushes its request-log buffer)');
  await stopChild(on.api.child, 'API (logging on)');
  const onExit = `exit code ${on.api.child.exitCode ?? on.api.child.signalCode}`;
  const checks = await countRows(database.url, on, off);
  for (const c of checks) log(`${c.what}: expected ${c.expected}, found ${c.found}${c.found === c.expected ? '' : '  MISMATCH'}`);

  const { markdown, ratios, rowsMatch } = report(runs, {
    date,
    revision,
    database: database.source,
    pgVersion,
    apiEnv,
    load: { start: loadAtStart, end: loadAtEnd },
    checks,
    metrics,
    onExit,
    logLines,
  });
  process.stdout.write(`${markdown}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `auditing-${stamp}.md`);
  writeFileSync(file, markdown);
  log(`report written to ${relative(ROOT, file)}`);
  log(
    `GET /v1/users/me on/off ${fmtRatio(ratios.me)} (target >= ${TARGET.me.toFixed(2)}: ${ratios.me >= TARGET.me ? 'met' : 'missed'}), ` +
      `PUT /v1/users/me/preferences on/off ${fmtRatio(ratios.prefs)}, rows ${rowsMatch ? 'all match' : 'DO NOT MATCH'}`,
  );
  if (!rowsMatch) throw new Error('the rows written do not match the answers counted: see the report');
}

runMain(main);
