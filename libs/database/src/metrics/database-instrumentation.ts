import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { Sequelize } from 'sequelize-typescript';
import { AppConfigService } from '@app/config';
import { classifyDatabaseError } from '../connection/database-errors';
import { DatabasePool } from '../connection/database-pool';
import { DB_ERRORS, DB_POOL_CONNECTIONS, DB_POOL_WAITING, DB_QUERY_DURATION, queryOperation } from './database-metrics';

/** Replaces a metric of the same name: a new Sequelize instance owns the pool gauges now. */
function replaceGauge(config: ConstructorParameters<typeof Gauge>[0]): Gauge {
  register.removeSingleMetric(config.name);
  return new Gauge(config);
}

/**
 * Times every statement the application issues (histogram by statement kind), counts failures
 * by kind, logs statements slower than DB_SLOW_QUERY_MS (their text only: values travel as
 * bind parameters and are never logged) and exposes the pool's size at scrape time.
 */
@Injectable()
export class DatabaseInstrumentation implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectConnection() private readonly sequelize: Sequelize,
    private readonly config: AppConfigService,
    private readonly pool: DatabasePool,
    @InjectMetric(DB_QUERY_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(DB_ERRORS) private readonly errors: Counter<string>,
  ) {}

  onModuleInit(): void {
    this.instrumentQueries();
    this.exposePool();
  }

  private instrumentQueries(): void {
    const sequelize = this.sequelize as unknown as { query: (...args: unknown[]) => Promise<unknown> };
    const original = sequelize.query.bind(this.sequelize);
    const slowMs = this.config.database.slowQueryMs;
    sequelize.query = async (...args: unknown[]) => {
      const sql = typeof args[0] === 'string' ? args[0] : String((args[0] as { query?: string })?.query ?? '');
      const operation = queryOperation(sql);
      const started = process.hrtime.bigint();
      try {
        return await original(...args);
      } catch (error) {
        this.errors.inc({ kind: classifyDatabaseError(error) ?? 'other' });
        throw error;
      } finally {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.duration.observe({ operation }, seconds);
        if (slowMs > 0 && seconds * 1000 >= slowMs) {
          this.logger.warn({ durationMs: Math.round(seconds * 1000), operation, sql: sql.slice(0, 500) }, 'slow query');
        }
      }
    };
  }

  private exposePool(): void {
    const stats = () => this.pool.stats();
    replaceGauge({
      name: DB_POOL_CONNECTIONS,
      help: 'Connections in the application pool, by state (total, idle, in_use).',
      labelNames: ['state'],
      collect() {
        const s = stats();
        if (!s) return;
        this.set({ state: 'total' }, s.size);
        this.set({ state: 'idle' }, s.available);
        this.set({ state: 'in_use' }, s.using);
      },
    });
    replaceGauge({
      name: DB_POOL_WAITING,
      help: 'Requests waiting for a connection from the application pool.',
      collect() {
        this.set(stats()?.waiting ?? 0);
      },
    });
  }
}
