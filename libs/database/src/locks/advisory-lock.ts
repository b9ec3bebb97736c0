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

/**
 * PostgreSQL session advisory locks keyed by name. The lock lives on one pooled connection held
 * for the duration of the work, so it is released when the work ends or, if the process dies,
 * when its connection does. Waiting polls `pg_try_advisory_lock` instead of blocking in
 * `pg_advisory_lock`, so the pool's statement timeout does not cut a long wait short.
 */
export class AdvisoryLock {
  constructor(private readonly sequelize: Sequelize) {}

  async withLock<T>(name: string, work: () => Promise<T>, options: LockOptions = {}): Promise<LockResult<T>> {
    const waitMs = options.waitMs ?? 0;
    const pollMs = options.pollMs ?? 200;
    const manager = this.sequelize.connectionManager as unknown as {
      getConnection(o: { type: 'write' }): Promise<PgConnection>;
      releaseConnection(c: PgConnection): Promise<void>;
    };
    const connection = await manager.getConnection({ type: 'write' });
    let locked = false;
    try {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const { rows } = await connection.query(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
          [name],
        );
        locked = rows[0]?.locked === true;
        if (locked || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      if (!locked) return { acquired: false };
      const result = await work();
      return { acquired: true, result };
    } finally {
      if (locked) {
        await connection
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name])
          .catch(() => undefined);
      }
      await manager.releaseConnection(connection);
    }
  }
}
