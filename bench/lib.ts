/**
 * What the benchmark runners share: settings from the environment, the child processes they
 * start (the built API, the bare baseline server, helpers) and their cleanup on success, error
 * and Ctrl-C, the database (BENCH_DATABASE_URL or an embedded PostgreSQL in a temp dir), the
 * checks on autocannon results, percentiles and report formatting.
 *
 * Compiled to dist/bench/lib.js next to the runners (tsconfig.bench.json).
 */
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../libs/database/src/embedded/embedded-postgres';

// Compiled to dist/bench/*.js: the repository root is two levels up.
export const ROOT = resolve(__dirname, '..', '..');
export const API_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
export const BARE_SERVER = join(__dirname, 'bare-server.js');
export const OUT_DIR = join(ROOT, 'bench', 'out');
/** How long an API may take to answer 200 on /health/ready (BENCH_READY_TIMEOUT_S; a first start migrates, slower on a busy machine). */
const READY_TIMEOUT_MS = intFromEnv('BENCH_READY_TIMEOUT_S', 60, 5) * 1000;
const STOP_TIMEOUT_MS = 20_000;

export function intFromEnv(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${raw}: expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  }
  return value;
}

export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------
// Processes and cleanup

export interface Tail {
  /** The last lines a child wrote. */
  lines: string[];
  /** How many lines it wrote in all. */
  total: number;
}

/** Keeps the last lines a child wrote, to show them when it fails. */
export function captureTail(child: ChildProcess, max = 60): Tail {
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

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then wait; SIGKILL if it has not exited after STOP_TIMEOUT_MS. */
export async function stopChild(child: ChildProcess, name: string): Promise<void> {
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

/** Everything a run started, stopped by cleanup() in this order: children, hooks, PostgreSQL, temp dirs. */
const started: {
  children: Array<{ child: ChildProcess; name: string }>;
  hooks: Array<{ name: string; run: () => Promise<void> }>;
  postgres?: { handle: EmbeddedPostgresHandle; dataDir: string };
  tempDirs: string[];
} = { children: [], hooks: [], tempDirs: [] };

/** Registers a child process to stop (SIGTERM, then SIGKILL) at the end of the run. */
export function trackChild(child: ChildProcess, name: string): void {
  started.children.push({ child, name });
}

/**
 * Registers work to do at the end of the run after every child has stopped and before the
 * embedded PostgreSQL stops (e.g. deleting rows the run created in an external database).
 */
export function onCleanup(name: string, run: () => Promise<void>): void {
  started.hooks.push({ name, run });
}

/** A fresh temp dir, removed at the end of the run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  started.tempDirs.push(dir);
  return dir;
}

/**
 * embedded-postgres's stop() sends SIGINT and waits for the server's 'exit' event. On Ctrl-C in
 * a terminal the server gets SIGINT from the terminal too and may be gone already: the event
 * never comes again, stop() never settles and, once nothing else is pending, Node.js exits
 * without running the rest of the cleanup. So stop() races a check of the server's pid file,
 * which PostgreSQL removes at the end of its shutdown.
 */
async function stopEmbeddedPostgres(handle: EmbeddedPostgresHandle, dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const stopped = handle.stop().then(
    () => 'stopped' as const,
    (error: unknown) => {
      log(`embedded PostgreSQL did not stop cleanly: ${String(error)}`);
      return 'stopped' as const;
    },
  );
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const outcome = await Promise.race([stopped, sleep(100).then(() => 'waiting' as const)]);
    if (outcome === 'stopped' || !existsSync(pidFile)) return;
  }
  log(`embedded PostgreSQL still has its pid file ${STOP_TIMEOUT_MS / 1000} s after the stop request`);
}

let cleanupPromise: Promise<void> | undefined;

export function cleanup(): Promise<void> {
  cleanupPromise ??= (async () => {
    await Promise.all(started.children.map(({ child, name }) => stopChild(child, name).catch(() => undefined)));
    for (const hook of started.hooks) {
      await hook.run().catch((error: unknown) => log(`cleanup step "${hook.name}" failed: ${String(error)}`));
    }
    if (started.postgres) {
      log('stopping embedded PostgreSQL');
      await stopEmbeddedPostgres(started.postgres.handle, started.postgres.dataDir);
    }
    for (const dir of started.tempDirs) rmSync(dir, { recursive: true, force: true });
  })();
  return cleanupPromise;
}

/**
 * Runs a benchmark's main function: stops everything it started at the end, on error (exit
 * code 1) and on SIGINT/SIGTERM (exit code 130).
 */
export function runMain(main: () => Promise<void>): void {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping everything`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  main()
    .then(
      () => cleanup(),
      async (error: unknown) => {
        process.exitCode = 1;
        // After Ctrl-C the children stop under the run's feet: that is no failure worth a stack.
        if (interrupted) log(`interrupted (${error instanceof Error ? error.message : String(error)})`);
        else log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        await cleanup();
      },
    )
    .catch((error: unknown) => {
      process.exitCode = 1;
      log(`cleanup failed: ${String(error)}`);
    });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Database, API, bare server

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export interface Database {
  url: string;
  /** Where it comes from, for the report (password redacted). */
  source: string;
  /** True for the embedded PostgreSQL thrown away at the end of the run. */
  disposable: boolean;
}

/** BENCH_DATABASE_URL, or an embedded PostgreSQL in a fresh temp dir, stopped and removed by cleanup(). */
export async function provideDatabase(): Promise<Database> {
  const external = process.env.BENCH_DATABASE_URL?.trim();
  if (external) return { url: external, source: `BENCH_DATABASE_URL (${redact(external)})`, disposable: false };

  log('BENCH_DATABASE_URL not set: starting an embedded PostgreSQL in a temp dir');
  const dir = tempDir('clearmark-bench-');
  // As root, PostgreSQL runs as the "postgres" user, which must be able to enter this folder.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'pgdata');
  const handle = await startEmbeddedPostgres({ dataDir, persistent: false, database: 'clearmark_bench' });
  started.postgres = { handle, dataDir };
  return { url: handle.url, source: 'embedded PostgreSQL (embedded-postgres package, fresh temp cluster)', disposable: true };
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

export interface StartedApi {
  base: string;
  output: Tail;
  child: ChildProcess;
}

/**
 * Starts the built API (dist/apps/api/src/main.js) as a child process on a free port and waits
 * for 200 on /health/ready. Always set: DATABASE_URL, HOST, PORT, NODE_ENV=development,
 * LOG_PRETTY=false, LOG_LEVEL=warn, DB_POOL_MAX=20 (the bare server's pool size); `env` adds or
 * overrides variables, `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startApi(databaseUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<StartedApi> {
  if (!existsSync(API_MAIN)) throw new Error(`${relative(ROOT, API_MAIN)} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, API_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '20',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child, 'API');
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
      if (response.status === 200) return { base, output, child };
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`the API did not answer 200 on /health/ready within ${READY_TIMEOUT_MS / 1000} s (last: ${last}):\n${output.lines.join('\n')}`);
}

/**
 * Forks a compiled helper script of dist/bench with an IPC channel and waits for its first
 * message, which `ready` must accept (returning the value to hand back) or reject (null).
 */
export async function forkHelper<T>(
  script: string,
  name: string,
  env: NodeJS.ProcessEnv,
  ready: (message: unknown) => T | null,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; output: Tail; value: T }> {
  if (!existsSync(script)) throw new Error(`${relative(ROOT, script)} is missing: build the benchmarks first`);
  const child = fork(script, [], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  trackChild(child, name);
  const output = captureTail(child);
  const value = await new Promise<T>((resolveValue, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${name} did not start within ${timeoutMs / 1000} s:\n${output.lines.join('\n')}`)), timeoutMs);
    child.once('message', (message: unknown) => {
      clearTimeout(timer);
      const accepted = ready(message);
      if (accepted !== null) resolveValue(accepted);
      else reject(new Error(`unexpected message from the ${name}: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} exited (code ${code ?? signal}) before it was ready:\n${output.lines.join('\n')}`));
    });
  });
  return { child, output, value };
}

/** Starts bench/bare-server.ts (child process) on the same database; checks GET /db. */
export async function startBareProcess(databaseUrl: string): Promise<{ base: string; child: ChildProcess }> {
  const { child, output, value: port } = await forkHelper(
    BARE_SERVER,
    'bare server',
    { ...process.env, BENCH_BARE_DATABASE_URL: databaseUrl },
    (message) => {
      const port = (message as { port?: unknown } | null)?.port;
      return typeof port === 'number' ? port : null;
    },
  );

  const base = `http://127.0.0.1:${port}`;
  const check = await fetch(`${base}/db`);
  const body = await check.text();
  if (check.status !== 200) throw new Error(`bare GET /db answered ${check.status}: ${body}\n${output.lines.join('\n')}`);
  return { base, child };
}

/** startBareProcess, for callers that need only the address. */
export async function startBare(databaseUrl: string): Promise<string> {
  return (await startBareProcess(databaseUrl)).base;
}

/**
 * CPU time (user + system, every thread) a process has used so far, in ms, from /proc (Linux);
 * undefined elsewhere. Unlike a request rate, CPU time per request hardly depends on how many
 * other processes compete for the cores: it is the figure to compare on a busy machine.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_S : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes (VmRSS, /proc, Linux); undefined elsewhere. */
export function processRssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_S = 100;

// ---------------------------------------------------------------------------------------------
// Measuring

/** Fails loudly on anything but a clean run of 2xx answers. */
export function assertClean(result: autocannon.Result, label: string): void {
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

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The samples of several runs in one ascending array. */
export function mergeSorted(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all.sort();
}

// ---------------------------------------------------------------------------------------------
// Report

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
export const fmtRatio = (n: number) => n.toFixed(2);

/** The command that reproduces this run: the BENCH_* variables that were set, then the npm script. */
export function commandLine(variables: string[], script: string): string {
  const vars = variables
    .filter((name) => process.env[name] !== undefined && process.env[name] !== '')
    .map((name) => `${name}=${name.endsWith('DATABASE_URL') ? redact(process.env[name] as string) : process.env[name]}`);
  return [...vars, `npm run ${script}`].join(' ');
}

export function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${rev} (with uncommitted changes)` : rev;
  } catch {
    return 'unknown';
  }
}

export function machineDescription(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()}, Node.js ${process.version}`;
}

/**
 * With an external database: deletes what the run wrote again, once the APIs have stopped: its
 * accounts (sessions and preferences cascade), their notifications, and its api_logs rows. Its
 * audit_logs rows stay: that table is append-only by design.
 */
export function deleteRunDataOnCleanup(database: Database, runId: string, userAgents: string[]): void {
  if (database.disposable) return;
  onCleanup('delete what the run wrote', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const pattern = `bench-${runId}-%@example.com`;
      const exists = async (table: string) =>
        (await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table])).rows[0]?.exists === true;
      await client.query('BEGIN');
      // notifications.user_id has no foreign key: a run's notifications go explicitly.
      if (await exists('notifications')) {
        await client.query('DELETE FROM notifications WHERE user_id IN (SELECT id FROM users WHERE email::text LIKE $1)', [pattern]);
      }
      const users = await client.query('DELETE FROM users WHERE email::text LIKE $1', [pattern]);
      const logs = (await exists('api_logs')) ? await client.query('DELETE FROM api_logs WHERE user_agent = ANY($1)', [userAgents]) : undefined;
      await client.query('COMMIT');
      log(`deleted the run's ${users.rowCount ?? 0} account(s) with their sessions and preferences, and its ${logs?.rowCount ?? 0} request log row(s)`);
    } finally {
      await client.end();
    }
  });
}

/** Mulberry32 (libs/common): every run generates the same data. */
export { prng } from '../libs/common/src/util/prng';
