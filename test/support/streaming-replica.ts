import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync } from 'node:fs';
import { appendFile, chmod, chown, copyFile, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, isAlive, postgresBinaries, postgresUserIds, type PostgresBinaries } from '../../libs/database/src/embedded/embedded-postgres';
import { waitFor } from './wait-for';

/**
 * A PostgreSQL primary and a hot standby streaming from it, built from the binaries of the
 * embedded default (`embedded-postgres`'s platform package: initdb, postgres) in a temporary
 * folder on free loopback ports, as a real deployment runs them:
 *
 * - the primary with wal_level=replica, WAL senders, a physical replication slot for the standby
 *   (so the WAL it has not received is kept) and a pg_hba line for replication;
 * - the standby seeded by a base backup: pg_basebackup when the package ships it, otherwise the
 *   low-level protocol (pg_backup_start(), a copy of the data folder, pg_backup_stop() and its
 *   backup_label), then standby.signal and primary_conninfo; it streams from the primary and
 *   answers reads (hot_standby).
 *
 * Authentication is `trust` on 127.0.0.1 only: a throwaway cluster of the test run. As root,
 * PostgreSQL refuses to run: the servers run as the `postgres` system user (created if missing,
 * as the embedded default does), which owns their data folders.
 */
export interface StreamingReplica {
  /** postgres:// URL of `database` on the primary. */
  primaryUrl: string;
  /** postgres:// URL of `database` on the standby. */
  standbyUrl: string;
  /** Runs SQL on the primary or the standby (a connection per call, in `database`). */
  query<T = Record<string, unknown>>(server: 'primary' | 'standby', sql: string, values?: unknown[]): Promise<T[]>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  waitForReplay(deadlineMs?: number): Promise<void>;
  /** Pauses the standby's replay (pg_wal_replay_pause) and waits until it is paused. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stops the standby (fast shutdown) and waits until it is gone. */
  stopStandby(): Promise<void>;
  /** Starts the stopped standby again (same port) and waits until it streams and has replayed a transaction. */
  startStandby(): Promise<void>;
  /** Stops both servers and removes their folders. */
  stop(): Promise<void>;
}

export interface StreamingReplicaOptions {
  /** The database the URLs name, created on the primary before the base backup. */
  database: string;
  /** Runs against the primary before the base backup (e.g. the migrations), with its URL. */
  prepare?: (primaryUrl: string) => Promise<void>;
  /** Forces the low-level backup protocol even where pg_basebackup exists (to test that path). */
  lowLevelBackup?: boolean;
}

const SLOT = 'clearmark_standby';
const START_DEADLINE_MS = 120_000;
const STOP_DEADLINE_MS = 30_000;

/**
 * Left out of a base backup (PostgreSQL's "Backup Control Functions" and pg_basebackup do the
 * same): the running server's pid and options, the WAL (the standby streams it from the slot),
 * replication slots, and folders the server empties at start.
 */
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'standby.signal', 'recovery.signal']);
const EMPTIED_FOLDERS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

/** The uid/gid to run PostgreSQL as: the `postgres` user when root (created if missing), else none. */
function serverIds(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  try {
    return postgresUserIds();
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return postgresUserIds();
  }
}

/** Copies a data folder of a running server: files may vanish while it runs (ENOENT is skipped). */
async function copyDataDir(from: string, to: string, top = true): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  let entries: string[];
  try {
    entries = await readdir(from);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of entries) {
    if (top && SKIPPED_FILES.has(name)) continue;
    if (name.startsWith('pgsql_tmp') || name.startsWith('.s.PGSQL')) continue;
    const source = join(from, name);
    const target = join(to, name);
    try {
      const stat = await lstat(source);
      if (stat.isSymbolicLink()) await symlink(await readlink(source), target);
      else if (stat.isDirectory()) {
        if (top && EMPTIED_FOLDERS.has(name)) await mkdir(target, { mode: 0o700 });
        else await copyDataDir(source, target, false);
      } else await copyFile(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  const stat = await lstat(path);
  if (!stat.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), uid, gid);
}

async function lastLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Runs a program of the package (as the postgres user when root) to completion. */
function run(binary: string, args: string[], ids: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited with ${code}:\n${output}`))));
  });
}

class Server {
  private child?: ChildProcess;
  private readonly onExit = () => {
    if (this.child?.pid && isAlive(this.child.pid)) process.kill(this.child.pid, 'SIGQUIT');
  };

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly binaries: PostgresBinaries,
    private readonly ids: object,
    private readonly logFile: string,
  ) {}

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  /** Starts the server (no-op while it runs) and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child?.pid && isAlive(this.child.pid)) return;
    const log = openSync(this.logFile, 'a');
    try {
      this.child = spawn(
        this.binaries.postgres,
        [
          '-D',
          this.dataDir,
          '-p',
          String(this.port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'max_connections=100',
          '-c',
          'wal_level=replica',
          '-c',
          'max_wal_senders=5',
          '-c',
          'max_replication_slots=5',
          '-c',
          'hot_standby=on',
          // A standby reports its replay position often, and replays a paused-then-resumed backlog at once.
          '-c',
          'wal_receiver_status_interval=1s',
          '-c',
          'fsync=off',
        ],
        { ...this.ids, detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } },
      );
    } finally {
      closeSync(log);
    }
    this.child.unref();
    process.on('exit', this.onExit);
    const child = this.child;
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitFor(
      async () => {
        if (exited) throw new Error('exited');
        const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 2_000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { deadlineMs: START_DEADLINE_MS, intervalMs: 100, what: `the ${this.name} to accept connections`, until: (ok) => ok },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${this.name} log (${this.logFile}):\n${await lastLines(this.logFile, 30)}`);
    });
  }

  /** Fast shutdown (SIGINT), then SIGQUIT at the deadline; resolves once the postmaster is gone. */
  async stop(): Promise<void> {
    const pid = this.child?.pid;
    this.child = undefined;
    process.removeListener('exit', this.onExit);
    if (!pid || !isAlive(pid)) return;
    process.kill(pid, 'SIGINT');
    await waitFor(() => !isAlive(pid), { deadlineMs: STOP_DEADLINE_MS, intervalMs: 50, what: `the ${this.name} to stop` }).catch(() => {
      if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
    });
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Seeds `standbyDir` with pg_basebackup (streaming the WAL it needs through the slot). */
async function baseBackupWithTool(tool: string, primary: Server, standbyDir: string, ids: object): Promise<void> {
  await run(tool, ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', standbyDir, '-X', 'stream', '-S', SLOT, '--checkpoint=fast'], ids);
}

/**
 * The low-level base backup: pg_backup_start() on a session kept open during the copy, the data
 * folder copied as it is (torn pages are fixed by replaying the WAL from the backup's start,
 * which full_page_writes makes safe), then pg_backup_stop(), whose label file must be the
 * copy's backup_label: it tells the standby where replay has to start.
 */
async function lowLevelBaseBackup(primary: Server, standbyDir: string): Promise<void> {
  await withClient(primary.url('postgres'), async (client) => {
    await client.query(`SELECT pg_backup_start('clearmark-standby', true)`);
    try {
      await copyDataDir(primary.dataDir, standbyDir);
    } finally {
      const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)');
      const stop = rows[0];
      if (stop) {
        await writeFile(join(standbyDir, 'backup_label'), stop.labelfile);
        if (stop.spcmapfile) await writeFile(join(standbyDir, 'tablespace_map'), stop.spcmapfile);
      }
    }
  });
  await mkdir(join(standbyDir, 'pg_wal', 'archive_status'), { recursive: true });
}

export async function startStreamingReplica(options: StreamingReplicaOptions): Promise<StreamingReplica> {
  const binaries = await postgresBinaries();
  const ids = serverIds();
  const dir = mkdtempSync(join(tmpdir(), 'clearmark-replication-'));
  // mkdtemp makes it 0700; the postgres user (as root) must be able to enter it.
  chmodSync(dir, 0o755);
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const primary = new Server('primary', primaryDir, primaryPort, binaries, ids, join(dir, 'primary.log'));
  const standby = new Server('standby', standbyDir, standbyPort, binaries, ids, join(dir, 'standby.log'));
  // The logs are opened by this process; the folders are the servers'.
  for (const path of [primaryDir, standbyDir]) {
    await mkdir(path, { mode: 0o700 });
    if ('uid' in ids) await chown(path, ids.uid, ids.gid);
  }

  const stopAll = async () => {
    await standby.stop();
    await primary.stop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await run(binaries.initdb, [`--pgdata=${primaryDir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C'], ids);
    await appendFile(join(primaryDir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n');
    await primary.start();
    await withClient(primary.url('postgres'), (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(options.database)}`));
    await options.prepare?.(primary.url(options.database));
    // The slot keeps every WAL segment the standby has not received, from the backup on.
    await withClient(primary.url('postgres'), (c) => c.query(`SELECT pg_create_physical_replication_slot($1, true)`, [SLOT]));

    if (binaries.pgBasebackup && !options.lowLevelBackup) await baseBackupWithTool(binaries.pgBasebackup, primary, standbyDir, ids);
    else await lowLevelBaseBackup(primary, standbyDir);
    await writeFile(join(standbyDir, 'standby.signal'), '');
    await appendFile(
      join(standbyDir, 'postgresql.auto.conf'),
      `\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=clearmark_standby'\nprimary_slot_name = '${SLOT}'\n`,
    );
    if ('uid' in ids) await chownTree(standbyDir, ids.uid, ids.gid);
    await chmod(standbyDir, 0o700);

    const query = <T>(server: 'primary' | 'standby', sql: string, values?: unknown[]) =>
      withClient((server === 'primary' ? primary : standby).url(options.database), async (c) => (await c.query(sql, values)).rows as T[]);
    const waitForReplay = async (deadlineMs = 60_000) => {
      const [{ lsn }] = (await query<{ lsn: string }>('primary', 'SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
      await waitFor(
        async () => (await query<{ done: boolean }>('standby', 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]))[0]?.done,
        { deadlineMs, what: `the standby to replay up to ${lsn}` },
      );
    };
    // Ready means streaming, and one transaction replayed since the start: until then the
    // standby cannot tell how old its data is (pg_last_xact_replay_timestamp() is NULL).
    const startStandby = async () => {
      await standby.start();
      await waitFor(
        () => withClient(standby.url('postgres'), async (c) => (await c.query<{ status: string }>('SELECT status FROM pg_stat_wal_receiver')).rows[0]?.status),
        { deadlineMs: START_DEADLINE_MS, what: 'the standby to stream from the primary', until: (status) => status === 'streaming' },
      );
      await query('primary', 'SELECT txid_current()');
      await waitForReplay();
    };
    await startStandby();

    return {
      primaryUrl: primary.url(options.database),
      standbyUrl: standby.url(options.database),
      query,
      waitForReplay,
      async pauseReplay() {
        await query('standby', 'SELECT pg_wal_replay_pause()');
        await waitFor(async () => (await query<{ state: string }>('standby', 'SELECT pg_get_wal_replay_pause_state() AS state'))[0]?.state, {
          what: 'the standby to pause its replay',
          until: (state) => state === 'paused',
        });
      },
      async resumeReplay() {
        await query('standby', 'SELECT pg_wal_replay_resume()');
      },
      stopStandby: () => standby.stop(),
      startStandby,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
