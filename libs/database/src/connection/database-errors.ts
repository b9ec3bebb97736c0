import { BaseError, ConnectionAcquireTimeoutError, ConnectionError } from 'sequelize';

/** What kind of failure a database error is, in a bounded set fit for metrics and responses. */
export type DatabaseErrorKind = 'timeout' | 'connection' | 'constraint' | 'serialization' | 'other';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function sqlState(error: unknown): string | undefined {
  const e = error as { parent?: { code?: unknown }; code?: unknown };
  const code = e?.parent?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A raw error of the pg driver: a server error (with severity) or a lost connection. */
function isDriverError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ('severity' in error && typeof (error as { code?: unknown }).code === 'string') return true;
  return /Connection terminated|Client has encountered a connection error/i.test(error.message);
}

/** Classifies errors from Sequelize or the pg driver; undefined for anything that is not one. */
export function classifyDatabaseError(error: unknown): DatabaseErrorKind | undefined {
  if (error instanceof ConnectionAcquireTimeoutError || error instanceof ConnectionError) return 'connection';
  if (!(error instanceof BaseError) && !isDriverError(error)) return undefined;
  const code = sqlState(error);
  if (!code) {
    const message = error instanceof Error ? error.message : '';
    return /Connection terminated|connection error/i.test(message) ? 'connection' : 'other';
  }
  if (SOCKET_CODES.has(code)) return 'connection';
  // 57014 query_canceled (statement_timeout), 55P03 lock_not_available (lock_timeout),
  // 25P03 idle_in_transaction_session_timeout.
  if (code === '57014' || code === '55P03' || code === '25P03') return 'timeout';
  // Class 08 connection exceptions; 57P01-57P03 shutdowns and "cannot connect now"; 53300 too many connections.
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return 'connection';
  if (code.startsWith('23')) return 'constraint';
  if (code === '40001' || code === '40P01') return 'serialization';
  return 'other';
}
