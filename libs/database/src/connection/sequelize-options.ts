import type { DatabaseConfig, DatabaseConnectionConfig } from '@app/config';
import type { Options } from 'sequelize';
import type { ClientConfig } from 'pg';

export interface SessionLimits {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

function tlsOption(connection: DatabaseConnectionConfig): ClientConfig['ssl'] {
  if (!connection.tls) return false;
  return { rejectUnauthorized: connection.tls.rejectUnauthorized, ...(connection.tls.ca ? { ca: connection.tls.ca } : {}) };
}

/** Options for a raw `pg` client (probes, advisory-lock holders, test helpers). */
export function pgClientConfig(
  connection: DatabaseConnectionConfig,
  limits?: SessionLimits,
  applicationName = 'clearmark',
): ClientConfig {
  return {
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    database: connection.database,
    ssl: tlsOption(connection),
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    ...(limits
      ? {
          statement_timeout: limits.statementTimeoutMs,
          idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
        }
      : {}),
  };
}

/**
 * Sequelize options for the application pool. Every pooled connection starts with the
 * configured statement and idle-in-transaction timeouts as session parameters, so no query can
 * hold a connection for long; long operations (migrations) raise them with SET LOCAL.
 */
export function sequelizeOptions(config: DatabaseConfig, applicationName: string): Options {
  const connection = config.connection;
  if (!connection) {
    throw new Error('No database connection configured: set DATABASE_URL (or start the embedded server first)');
  }
  return {
    dialect: 'postgres',
    host: connection.host,
    port: connection.port,
    username: connection.user,
    password: connection.password,
    database: connection.database,
    dialectOptions: {
      application_name: applicationName,
      statement_timeout: config.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.idleInTransactionTimeoutMs,
      ssl: tlsOption(connection),
      // A connection that cannot be opened within the acquire timeout is abandoned.
      connectionTimeoutMillis: Math.min(config.pool.acquireMs, 10_000),
      keepAlive: true,
    },
    pool: {
      max: config.pool.max,
      min: config.pool.min,
      acquire: config.pool.acquireMs,
      idle: config.pool.idleMs,
      evict: 1_000,
    },
    define: { underscored: true, timestamps: true },
    logging: false,
  };
}
