import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { Sequelize } from 'sequelize-typescript';
import { AppConfigService } from '@app/config';
import { DB_ERRORS, DB_QUERY_DURATION, queryOperation } from '../metrics/database-metrics';
import { classifyDatabaseError } from './database-errors';

/** A statement prepared once per pooled connection, under a name unique in the app. */
export interface PreparedStatement {
  name: string;
  text: string;
}

/** The part of a pooled pg client used here (Sequelize's pool hands out pg clients). */
interface QueryResult {
  rows: unknown[];
  rowCount: number | null;
}

interface PooledClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<QueryResult>;
  _invalid?: boolean;
}

interface ConnectionManager {
  getConnection(options: { type: 'SELECT' | 'RAW'; useMaster?: boolean }): Promise<PooledClient>;
  releaseConnection(connection: PooledClient): void;
}

/** Errors after which Sequelize retires a connection instead of returning it to the pool. */
function breaksConnection(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' || message === 'Query read timeout' || /SSL SYSCALL error: EOF detected/i.test(String(message));
}

/**
 * Runs the statements that serve nearly every request as named prepared statements
 * on a connection of Sequelize's pool, without Sequelize's query pipeline: option merging,
 * bind-parameter rewriting, hooks and result formatting cost more CPU than the query, and a
 * prepared statement is parsed and planned once per connection instead of on every call. Same
 * pool, same type parsers, same errors (raw pg errors, classified like Sequelize's), and the
 * same metrics and slow-query log as DatabaseInstrumentation gives sequelize.query. Repositories
 * only: they own the SQL. No transactions here: a query inside one goes through Sequelize.
 */
@Injectable()
export class PreparedStatements {
  private readonly logger = new Logger('Database');
  private readonly connections: ConnectionManager;
  private readonly slowMs: number;

  constructor(
    @InjectConnection() sequelize: Sequelize,
    config: AppConfigService,
    @InjectMetric(DB_QUERY_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(DB_ERRORS) private readonly errors: Counter<string>,
  ) {
    this.connections = sequelize.connectionManager as unknown as ConnectionManager;
    this.slowMs = config.database.slowQueryMs;
  }

  /** The rows a read returns. */
  async select<T>(statement: PreparedStatement, values: unknown[]): Promise<T[]> {
    return (await this.run(statement, values, 'SELECT')).rows as T[];
  }

  /** Runs a write; resolves to the number of rows it affected. */
  async execute(statement: PreparedStatement, values: unknown[]): Promise<number> {
    return (await this.run(statement, values, 'RAW')).rowCount ?? 0;
  }

  private async run(statement: PreparedStatement, values: unknown[], type: 'SELECT' | 'RAW'): Promise<QueryResult> {
    const started = process.hrtime.bigint();
    let connection: PooledClient | undefined;
    try {
      // As Sequelize asks its pool: by statement type (which matters only with read replicas).
      connection = await this.connections.getConnection({ type });
      return await connection.query({ name: statement.name, text: statement.text, values });
    } catch (error) {
      if (connection && breaksConnection(error)) connection._invalid = true;
      this.errors.inc({ kind: classifyDatabaseError(error) ?? 'other' });
      throw error;
    } finally {
      if (connection) this.connections.releaseConnection(connection);
      this.observe(statement.text, started);
    }
  }

  private observe(sql: string, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const operation = queryOperation(sql);
    this.duration.observe({ operation }, seconds);
    if (this.slowMs > 0 && seconds * 1000 >= this.slowMs) {
      this.logger.warn({ durationMs: Math.round(seconds * 1000), operation, sql: sql.slice(0, 500) }, 'slow query');
    }
  }
}
