import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Query } from 'pg';
import type { Counter, Histogram } from 'prom-client';
import { DatabaseError } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { AppConfigService } from '@app/config';
import { DB_ERRORS, DB_QUERY_DURATION, queryOperation } from '../metrics/database-metrics';
import { classifyDatabaseError } from './database-errors';
import type { DbTransaction } from '../transactions/transaction-runner';

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
  query(query: Query): void;
  _invalid?: boolean;
}

interface ConnectionManager {
  getConnection(options: { type: 'SELECT' | 'RAW'; useMaster?: boolean }): Promise<PooledClient>;
  releaseConnection(connection: PooledClient): void;
}

/**
 * Runs the statement as a pg Query made from its text and named afterwards: given a config
 * object instead, pg copies it property descriptor by property descriptor on every call
 * (cloneQueryConfig), which a profile put at 3 % of the CPU of GET /v1/users/me. Same protocol
 * messages: pg prepares the statement under its name on first use on a connection.
 */
function submit(connection: PooledClient, statement: PreparedStatement, values: unknown[]): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new Query(statement.text, values, (error: Error | undefined, result: unknown) =>
      error ? reject(error) : resolve(result as QueryResult),
    );
    (query as Query & { name?: string }).name = statement.name;
    connection.query(query);
  });
}

/**
 * The driver's error wrapped as Sequelize wraps it (DatabaseError, the driver's error as
 * `parent`), so that callers, the problem filter and the metrics see the same error whichever
 * path ran the statement: a socket error (ECONNRESET) has no SQL state of its own and is only
 * recognised as a lost connection through the wrapper.
 */
function asSequelizeError(error: unknown, statement: PreparedStatement): Error {
  // Not `instanceof Error`: errors of Node's core can come from another realm (as under Jest).
  const parent = typeof error === 'object' && error !== null ? (error as Error) : new Error(String(error));
  return new DatabaseError(Object.assign(parent, { sql: statement.text }));
}

/** Errors after which Sequelize retires a connection instead of returning it to the pool. */
function breaksConnection(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' || message === 'Query read timeout' || /SSL SYSCALL error: EOF detected/i.test(String(message));
}

/**
 * Submits the statement on the connection; a failure is thrown as Sequelize's error for it, and
 * a connection the failure broke is marked invalid so that the pool replaces it.
 */
async function submitOn(connection: PooledClient, statement: PreparedStatement, values: unknown[]): Promise<QueryResult> {
  try {
    return await submit(connection, statement, values);
  } catch (error) {
    if (breaksConnection(error)) connection._invalid = true;
    throw asSequelizeError(error, statement);
  }
}

/**
 * Runs the statements that serve nearly every request as named prepared statements
 * on a connection of Sequelize's pool, without Sequelize's query pipeline: option merging,
 * bind-parameter rewriting, hooks and result formatting cost more CPU than the query, and a
 * prepared statement is parsed and planned once per connection instead of on every call. Same
 * pool, same type parsers, same errors (wrapped as Sequelize wraps them), and the
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

  /**
   * The rows of a statement run inside `transaction`, on its connection: Sequelize's query
   * pipeline skipped, and the statement parsed and planned once per connection (for statements
   * whose plan does not depend on the values, as the generic plan PostgreSQL may then use does not).
   */
  async selectInTransaction<T>(transaction: DbTransaction, statement: PreparedStatement, values: unknown[]): Promise<T[]> {
    const connection = (transaction as unknown as { connection?: PooledClient }).connection;
    if (!connection) throw new Error('The transaction has no connection (not started, or already finished)');
    const started = process.hrtime.bigint();
    try {
      return (await submitOn(connection, statement, values)).rows as T[];
    } catch (error) {
      this.errors.inc({ kind: classifyDatabaseError(error) ?? 'other' });
      throw error;
    } finally {
      this.observe(statement.text, started);
    }
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
      return await submitOn(connection, statement, values);
    } catch (error) {
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
