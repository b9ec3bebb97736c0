import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const DB_QUERY_DURATION = 'db_query_duration_seconds';
export const DB_ERRORS = 'db_errors_total';
export const DB_CONNECTION_ATTEMPTS = 'db_connection_attempts_total';
export const DB_POOL_CONNECTIONS = 'db_pool_connections';
export const DB_POOL_WAITING = 'db_pool_waiting_requests';
export const DB_REPLICA_LAG = 'db_replica_lag_seconds';
export const DB_REPLICA_UP = 'db_replica_up';
export const DB_REPLICA_IN_ROTATION = 'db_replica_in_rotation';
export const DB_LAG_TOLERANT_READS = 'db_lag_tolerant_reads_total';

/** Bounded label values: a statement's kind, never its text. */
export const QUERY_OPERATIONS = ['select', 'insert', 'update', 'delete', 'transaction', 'other'] as const;
export type QueryOperation = (typeof QUERY_OPERATIONS)[number];

export const databaseMetricProviders = [
  makeHistogramProvider({
    name: DB_QUERY_DURATION,
    help: 'Duration of database statements issued by the application, by statement kind.',
    labelNames: ['operation'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: DB_ERRORS,
    help: 'Database statements that failed, by error kind (timeout, connection, constraint, serialization, other).',
    labelNames: ['kind'],
  }),
  makeCounterProvider({
    name: DB_CONNECTION_ATTEMPTS,
    help: 'Attempts to reach the database at start-up, by outcome (success, failure).',
    labelNames: ['outcome'],
  }),
  makeGaugeProvider({
    name: DB_REPLICA_LAG,
    help: 'How far each read replica (DATABASE_READ_URLS) replays behind the primary, in seconds, at its last probe; absent while unknown.',
    labelNames: ['replica'],
  }),
  makeGaugeProvider({
    name: DB_REPLICA_UP,
    help: 'Whether each read replica answered its last lag probe (1) or not (0).',
    labelNames: ['replica'],
  }),
  makeGaugeProvider({
    name: DB_REPLICA_IN_ROTATION,
    help: 'Whether each read replica serves reads (1), or is out of rotation (0): down, or lagging past DB_REPLICA_MAX_LAG_S.',
    labelNames: ['replica'],
  }),
  makeCounterProvider({
    name: DB_LAG_TOLERANT_READS,
    help: 'Reads that tolerate lag (searches, registry records, admin logs), by the server that served them (replica, primary, primary_retry after a replica failed mid-read).',
    labelNames: ['served_by'],
  }),
];

export function queryOperation(sql: string): QueryOperation {
  const match = /^\s*(?:\(\s*)?([a-z]+)/i.exec(sql.replace(/^Executing \([^)]*\):\s*/, ''));
  const word = match?.[1]?.toLowerCase();
  switch (word) {
    case 'select':
    case 'insert':
    case 'update':
    case 'delete':
      return word;
    case 'start':
    case 'begin':
    case 'commit':
    case 'rollback':
    case 'savepoint':
    case 'release':
      return 'transaction';
    default:
      return 'other';
  }
}
