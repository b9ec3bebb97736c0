import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { Sequelize } from 'sequelize-typescript';

export interface PoolStats {
  size: number;
  available: number;
  using: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

/** The application pool's state, read where it is cheap (no query): for metrics and load shedding. */
@Injectable()
export class DatabasePool {
  constructor(@InjectConnection() private readonly sequelize: Sequelize) {}

  /** undefined before the pool exists. */
  stats(): PoolStats | undefined {
    const pool = (this.sequelize.connectionManager as unknown as { pool?: { write?: PoolStats } & Partial<PoolStats> }).pool;
    // sequelize-pool, or the read/write pair Sequelize builds when replication is configured.
    const s = (pool?.write ?? pool) as Partial<PoolStats> | undefined;
    if (!s || typeof s.size !== 'number') return undefined;
    return { size: s.size, available: s.available ?? 0, using: s.using ?? 0, waiting: s.waiting ?? 0 };
  }

  /** How many callers wait for a connection now. */
  waiting(): number {
    return this.stats()?.waiting ?? 0;
  }
}
