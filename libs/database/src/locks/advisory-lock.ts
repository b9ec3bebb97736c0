import type { Client, ClientConfig } from 'pg';
import type { Sequelize } from 'sequelize';
import { connectPgClient } from '../connection/pg-client';

export interface LockOptions {
  /** Wait up to this long for the lock (polling); 0 = try once and give up. */
  waitMs?: number;
  pollMs?: number;
}

export type LockResult<T> = { acquired: true; result: T } | { acquired: false };

/** Where the server listens now, when that can change under a running process (the embedded server); undefined: as configured. */
export type CurrentPort = () => Promise<number | undefined>;

/**
 * A session of its own on the database `sequelize` connects to, made from Sequelize's public
 * `config` and its `dialectOptions` (the pool's session limits, TLS, timeouts and application
 * name), so it behaves like a pool connection without going through the pool or Sequelize's
 * private connection manager. With `currentPort` (the embedded server) it connects where the
 * server listens now, as every pool connection does (DatabaseModule's beforeConnect hook).
 */
async function openSession(sequelize: Sequelize, currentPort?: CurrentPort): Promise<Client> {
  const { host, port, username, password, database } = sequelize.config;
  const dialectOptions = (sequelize.config.dialectOptions ?? {}) as ClientConfig;
  // A session lost while it holds the lock (server restart, network) must not crash the process:
  // the work's own queries fail and report it.
  return connectPgClient(
    { ...dialectOptions, host, port: (await currentPort?.()) ?? Number(port), user: username, password: password ?? undefined, database },
    () => undefined,
  );
}

/**
 * PostgreSQL session advisory locks keyed by name. The lock lives on a connection of its own,
 * opened for the work and closed after it, so it is released when the work ends or, if the
 * process dies, when its connection does.
 *
 * That connection is deliberately NOT taken from the application pool: the work under the lock
 * (a job's claim, its queries, its outcome) runs on pool connections. A lock holder that took a
 * pool connection and then waited for a second one is hold-and-wait on one resource: with as
 * many holders as the pool has connections (several ticks at once on a small pool), every
 * holder waits for a connection only another holder could give back, until the acquire timeout
 * fails them all, leaving a claimed job_runs row `running`. The connection is made like the
 * pool's (see openSession).
 *
 * Waiting polls `pg_try_advisory_lock` instead of blocking in `pg_advisory_lock`, so the
 * statement timeout does not cut a long wait short.
 */
export class AdvisoryLock {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly currentPort?: CurrentPort,
  ) {}

  async withLock<T>(name: string, work: () => Promise<T>, options: LockOptions = {}): Promise<LockResult<T>> {
    const waitMs = options.waitMs ?? 0;
    const pollMs = options.pollMs ?? 200;
    const connection = await openSession(this.sequelize, this.currentPort);
    let locked = false;
    try {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const { rows } = await connection.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
        locked = rows[0]?.locked === true;
        if (locked || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      if (!locked) return { acquired: false };
      const result = await work();
      return { acquired: true, result };
    } finally {
      // Unlocked before the close returns (closing the session would release it too, and does if
      // the unlock fails).
      if (locked) await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch(() => undefined);
      await connection.end().catch(() => undefined);
    }
  }
}
