/**
 * HTTP platform baseline: what the Clearmark stack (NestJS 11 on Fastify 5, Sequelize, the
 * global guards, interceptors, logging and metrics) costs per request, compared with a bare
 * Fastify 5 + pg server doing the same thing on the same machine, in the same run.
 *
 *   app  GET /health/live   vs  bare GET /live   (no database)
 *   app  GET /health/ready  vs  bare GET /db     (a database round trip)
 *
 * Run with `npm run bench:http` (builds first). Environment:
 *   BENCH_DATABASE_URL   PostgreSQL to use; without it an embedded server is started in a temp dir
 *   BENCH_DURATION_S     measured seconds per run (10)
 *   BENCH_WARMUP_S       warm-up seconds before each measured run (3)
 *   BENCH_CONNECTIONS    concurrent connections (10)
 *   BENCH_ROUNDS         measured runs per server and endpoint, interleaved app/bare (2)
 *
 * Progress goes to stderr; the Markdown report goes to stdout and to
 * bench/out/http-baseline-<timestamp>.md. Any non-2xx response, socket error or timeout fails
 * the run. Everything started here is stopped at the end, also on error or Ctrl-C.
 */
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../libs/database/src/embedded/embedded-postgres';

// Compiled to dist/bench/http-baseline.js: the repository root is two levels up.
const ROOT = resolve(__dirname, '..', '..');
const API_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const BARE_SERVER = join(__dirname, 'bare-server.js');
const OUT_DIR = join(ROOT, 'bench', 'out');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw}: expected an integer >= ${min}`);
  return value;
}

const settings = {
  durationS: intFromEnv('BENCH_DURATION_S', 10, 1),
  warmupS: intFromEnv('BENCH_WARMUP_S', 3, 0),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1),
  rounds: intFromEnv('BENCH_ROUNDS', 2, 1),
};

type Server = 'app' | 'bare';

interface Pair {
  name: string;
  paths: Record<Server, string>;
}

const PAIRS: Pair[] = [
  { name: 'Liveness, no database', paths: { app: '/health/live', bare: '/live' } },
  { name: 'Database round trip', paths: { app: '/health/ready', bare: '/db' } },
];

interface Measurement {
  pair: string;
  server: Server;
  path: string;
  round: number;
  requests: number;
  durationS: number;
  rps: number;
  /** Response times of the 2xx answers in ms, sorted ascending. */
  latencies: Float64Array;
  non2xx: number;
}

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

// ---------------------------------------------------------------------------------------------
// Processes and cleanup

interface Tail {
  /** The last lines a child wrote. */
  lines: string[];
  /** How many lines it wrote in all. */
  total: number;
}

/** Keeps the last lines a child wrote, to show them when it fails. */
function captureTail(child: ChildProcess, max = 60): Tail {
  const tail: Tail = { lines: [], total: 0 };
  const push = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.total++;
      tail.lines.push(line);
      if (tail.lines.length > max) tail.lines.shift();
    }
  };
  child.stdout?.on('data', push);
  child.stderr?.on('data', push);
  return tail;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then wait; SIGKILL if it has not exited after STOP_TIMEOUT_MS. */
async function stopChild(child: ChildProcess, name: string): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    log(`${name} did not stop within ${STOP_TIMEOUT_MS / 1000} s after SIGTERM: sending SIGKILL`);
    child.kill('SIGKILL');
    await exited;
  } else if (child.exitCode !== 0) {
    log(`${name} exited with code ${child.exitCode ?? child.signalCode} after SIGTERM`);
  }
}

const started: {
  app?: ChildProcess;
  bare?: ChildProcess;
  postgres?: EmbeddedPostgresHandle;
  tempDir?: string;
} = {};

let cleanupPromise: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleanupPromise ??= (async () => {
    const children: Array<[ChildProcess | undefined, string]> = [
      [started.app, 'API'],
      [started.bare, 'bare server'],
    ];
    await Promise.all(children.map(([child, name]) => (child ? stopChild(child, name).catch(() => undefined) : undefined)));
    if (started.postgres) {
      log('stopping embedded PostgreSQL');
      await started.postgres.stop().catch((error: unknown) => log(`embedded PostgreSQL did not stop cleanly: ${String(error)}`));
    }
    if (started.tempDir) rmSync(started.tempDir, { recursive: true, force: true });
  })();
  return cleanupPromise;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------
// Database, API, bare server

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function provideDatabase(): Promise<{ url: string; source: string }> {
  const external = process.env.BENCH_DATABASE_URL?.trim();
  if (external) return { url: external, source: `BENCH_DATABASE_URL (${redact(external)})` };

  log('BENCH_DATABASE_URL not set: starting an embedded PostgreSQL in a temp dir');
  const tempDir = mkdtempSync(join(tmpdir(), 'clearmark-bench-'));
  started.tempDir = tempDir;
  // As root, PostgreSQL runs as the "postgres" user, which must be able to enter this folder.
  chmodSync(tempDir, 0o755);
  started.postgres = await startEmbeddedPostgres({ dataDir: join(tempDir, 'pgdata'), persistent: false, database: 'clearmark_bench' });
  return { url: started.postgres.url, source: 'embedded PostgreSQL (embedded-postgres package, fresh temp cluster)' };
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

async function startApi(databaseUrl: string): Promise<{ base: string; output: Tail }> {
  if (!existsSync(API_MAIN)) throw new Error(`${relative(ROOT, API_MAIN)} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, [API_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '100000000',
      DB_POOL_MAX: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.app = child;
  const output = captureTail(child);

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(`the API exited (code ${child.exitCode ?? child.signalCode}) before it was ready:\n${output.lines.join('\n')}`);
    }
    try {
      const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return { base, output };
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`the API did not answer 200 on /health/ready within ${READY_TIMEOUT_MS / 1000} s (last: ${last}):\n${output.lines.join('\n')}`);
}

async function startBare(databaseUrl: string): Promise<string> {
  if (!existsSync(BARE_SERVER)) throw new Error(`${relative(ROOT, BARE_SERVER)} is missing: build the benchmarks first`);
  const child = fork(BARE_SERVER, [], {
    cwd: ROOT,
    env: { ...process.env, BENCH_BARE_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  started.bare = child;
  const output = captureTail(child);

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bare server did not start within 30 s:\n${output.lines.join('\n')}`)), 30_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      if (typeof message?.port === 'number') resolvePort(message.port);
      else reject(new Error(`unexpected message from the bare server: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the bare server exited (code ${code ?? signal}) before listening:\n${output.lines.join('\n')}`));
    });
  });

  const base = `http://127.0.0.1:${port}`;
  const check = await fetch(`${base}/db`);
  const body = await check.text();
  if (check.status !== 200) throw new Error(`bare GET /db answered ${check.status}: ${body}\n${output.lines.join('\n')}`);
  return base;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Fails loudly on anything but a clean run of 2xx answers. */
function assertClean(result: autocannon.Result, label: string): void {
  const problems: string[] = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx responses`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.mismatches > 0) problems.push(`${result.mismatches} body mismatches`);
  if (result.requests.total === 0 || result['2xx'] === 0) problems.push('no successful request at all');
  if (problems.length > 0) {
    throw new Error(`${label}: ${problems.join(', ')} (status codes: ${JSON.stringify(result.statusCodeStats)})`);
  }
}

/**
 * autocannon's own latency histogram has whole-millisecond resolution, too coarse for answers
 * that take well under 1 ms; its clients report each response time as a float, kept here.
 */
async function measure(base: string, path: string, label: string): Promise<{ result: autocannon.Result; latencies: Float64Array }> {
  const url = `${base}${path}`;
  if (settings.warmupS > 0) {
    const warmup = await autocannon({ url, connections: settings.connections, duration: settings.warmupS });
    assertClean(warmup, `${label} warm-up`);
  }
  const samples: number[] = [];
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.durationS,
    setupClient: (client) => {
      client.on('response', (statusCode, _bytes, durationMs) => {
        if (statusCode >= 200 && statusCode < 300) samples.push(durationMs);
      });
    },
  });
  assertClean(result, label);
  return { result, latencies: Float64Array.from(samples).sort() };
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

async function runAll(bases: Record<Server, string>): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const pair of PAIRS) {
    for (let round = 1; round <= settings.rounds; round++) {
      // app, bare, then bare, app: alternating which goes first cancels a linear drift.
      const order: Server[] = round % 2 === 1 ? ['app', 'bare'] : ['bare', 'app'];
      for (const server of order) {
        const path = pair.paths[server];
        const label = `${server} GET ${path} (round ${round}/${settings.rounds})`;
        log(`${label}: ${settings.warmupS} s warm-up + ${settings.durationS} s, ${settings.connections} connections`);
        const { result, latencies } = await measure(bases[server], path, label);
        const m: Measurement = {
          pair: pair.name,
          server,
          path,
          round,
          requests: result.requests.total,
          durationS: result.duration,
          rps: result.requests.total / result.duration,
          latencies,
          non2xx: result.non2xx,
        };
        log(
          `  ${Math.round(m.rps)} req/s, p50 ${fmtMs(percentile(latencies, 50))} ms, p99 ${fmtMs(percentile(latencies, 99))} ms, non-2xx ${m.non2xx}`,
        );
        measurements.push(m);
      }
    }
  }
  return measurements;
}

// ---------------------------------------------------------------------------------------------
// Report

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const fmtRatio = (n: number) => n.toFixed(2);

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** All rounds of one server and endpoint together: requests over seconds, percentiles of all samples. */
function summarise(ms: Measurement[]): Summary {
  const requests = ms.reduce((a, m) => a + m.requests, 0);
  const seconds = ms.reduce((a, m) => a + m.durationS, 0);
  const all = new Float64Array(ms.reduce((a, m) => a + m.latencies.length, 0));
  let offset = 0;
  for (const m of ms) {
    all.set(m.latencies, offset);
    offset += m.latencies.length;
  }
  all.sort();
  return {
    rps: requests / seconds,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    non2xx: ms.reduce((a, m) => a + m.non2xx, 0),
  };
}

function commandLine(): string {
  const vars = ['BENCH_DATABASE_URL', 'BENCH_DURATION_S', 'BENCH_WARMUP_S', 'BENCH_CONNECTIONS', 'BENCH_ROUNDS']
    .filter((name) => process.env[name] !== undefined && process.env[name] !== '')
    .map((name) => `${name}=${name === 'BENCH_DATABASE_URL' ? redact(process.env[name] as string) : process.env[name]}`);
  return [...vars, 'npm run bench:http'].join(' ');
}

function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${rev} (with uncommitted changes)` : rev;
  } catch {
    return 'unknown';
  }
}

function report(measurements: Measurement[], context: { date: Date; database: string; pgVersion: string }): string {
  const cpu = cpus();
  const lines: string[] = [];
  lines.push(`# HTTP platform baseline, ${context.date.toISOString()}`);
  lines.push('');
  lines.push(`- Command: \`${commandLine()}\``);
  lines.push(`- Revision: ${gitRevision()}`);
  lines.push(
    `- Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()}, Node.js ${process.version}`,
  );
  lines.push(`- PostgreSQL ${context.pgVersion}: ${context.database}`);
  lines.push(
    `- Load: autocannon, ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured per run, ` +
      `${settings.rounds} round(s) per server, interleaved (app/bare, then bare/app)`,
  );
  lines.push(
    '- req/s = requests completed over all rounds / seconds measured; p50 and p99 = percentiles of every 2xx response time of all rounds (client side, sub-ms resolution)',
  );
  lines.push('');
  lines.push('| Comparison | Server | Endpoint | req/s | p50 ms | p99 ms | non-2xx | app/bare req/s |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|');
  for (const pair of PAIRS) {
    const app = summarise(measurements.filter((m) => m.pair === pair.name && m.server === 'app'));
    const bare = summarise(measurements.filter((m) => m.pair === pair.name && m.server === 'bare'));
    const ratio = fmtRatio(app.rps / bare.rps);
    lines.push(
      `| ${pair.name} | app (NestJS) | GET ${pair.paths.app} | ${fmtInt(app.rps)} | ${fmtMs(app.p50)} | ${fmtMs(app.p99)} | ${app.non2xx} | **${ratio}** |`,
    );
    lines.push(`| ${pair.name} | bare Fastify + pg | GET ${pair.paths.bare} | ${fmtInt(bare.rps)} | ${fmtMs(bare.p50)} | ${fmtMs(bare.p99)} | ${bare.non2xx} | |`);
  }
  lines.push('');
  lines.push('Per round (in the order run):');
  lines.push('');
  lines.push('| Comparison | Round | Server | Endpoint | req/s | p50 ms | p99 ms | non-2xx | app/bare req/s |');
  lines.push('|---|---:|---|---|---:|---:|---:|---:|---:|');
  for (const m of measurements) {
    const partner = measurements.find((o) => o.pair === m.pair && o.round === m.round && o.server !== m.server);
    const ratio = m.server === 'app' && partner ? fmtRatio(m.rps / partner.rps) : '';
    lines.push(
      `| ${m.pair} | ${m.round} | ${m.server} | GET ${m.path} | ${fmtInt(m.rps)} | ${fmtMs(percentile(m.latencies, 50))} | ${fmtMs(percentile(m.latencies, 99))} | ${m.non2xx} | ${ratio} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const date = new Date();
  const runs = PAIRS.length * settings.rounds * 2;
  log(`${runs} runs of ${settings.warmupS} + ${settings.durationS} s: about ${Math.ceil((runs * (settings.warmupS + settings.durationS)) / 60)} min`);

  const database = await provideDatabase();
  const pgVersion = await postgresVersion(database.url);
  log(`PostgreSQL ${pgVersion}: ${database.source}`);

  log('starting the API (dist/apps/api/src/main.js) and waiting for /health/ready');
  const { base: app, output: appOutput } = await startApi(database.url);
  log(`API ready on ${app}`);
  const linesBefore = appOutput.total;
  const bare = await startBare(database.url);
  log(`bare server ready on ${bare}`);

  const measurements = await runAll({ app, bare });
  // LOG_LEVEL=warn: anything the API wrote while under load deserves a look (slow queries, errors).
  const logged = appOutput.total - linesBefore;
  if (logged > 0) {
    log(`the API wrote ${logged} log line(s) while under load; the last ones:`);
    for (const line of appOutput.lines.slice(-Math.min(10, logged))) log(`  ${line}`);
  }
  const markdown = report(measurements, { date, database: database.source, pgVersion });

  process.stdout.write(`${markdown}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `http-baseline-${date.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, markdown);
  log(`report written to ${relative(ROOT, file)}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(
    () => cleanup(),
    async (error: unknown) => {
      process.exitCode = 1;
      log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await cleanup();
    },
  )
  .catch((error: unknown) => {
    process.exitCode = 1;
    log(`cleanup failed: ${String(error)}`);
  });
