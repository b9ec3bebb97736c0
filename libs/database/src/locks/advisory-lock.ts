import type { Sequelize } from 'sequelize';

export interface LockOptions {
  /** Wait up to this long for the lock (polling); 0 = try once and give up. */
  waitMs?: number;
  pollMs?: number;
}

export type LockResult<T> = { acquired: true; result: T } | { acquired: false };

interface PgConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** What AdvisoryLock uses of Sequelize's connection manager (v6): a connection of the pool's kind, outside the pool. */
interface ConnectionManager {
  config: unknown;
  _connect(config: unknown): Promise<PgConnection>;
  _disconnect(connection: PgConnection): Promise<void>;
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
 * pool's (same options, session limits and hooks: on the embedded server it asks where the
 * server listens now).
 *
 * Waiting polls `pg_try_advisory_lock` instead of blocking in `pg_advisory_lock`, so the
 * statement timeout does not cut a long wait short.
 */
export class AdvisoryLock {
  constructor(private readonly sequelize: Sequelize) {}

  async withLock<T>(name: string, work: () => Promise<T>, options: LockOptions = {}): Promise<LockResult<T>> {
    const waitMs = options.waitMs ?? 0;
    const pollMs = options.pollMs ?? 200;
    const manager = this.sequelize.connectionManager as unknown as ConnectionManager;
    const connection = await manager._connect(manager.config);
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
      await manager._disconnect(connection).catch(() => undefined);
    }
  }
}
