import type { DatabaseConnectionConfig } from '@app/config';
import { Client } from 'pg';
import { embeddedServerPort } from '../embedded/embedded-default';
import { pgClientConfig } from './sequelize-options';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface WaitForDatabaseHooks {
  onAttempt?: (outcome: 'success' | 'failure', attempt: number, error?: Error) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** "Full jitter" backoff: a random delay up to min(ceiling, base * 2^attempt). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

/**
 * Waits until the database accepts a connection and answers a query, retrying with exponential
 * backoff and jitter; throws the last error after `policy.attempts` failures. Lets the app start
 * before the database is up (compose, Kubernetes) and simply serve once it appears.
 */
export async function waitForDatabase(
  connection: DatabaseConnectionConfig,
  policy: RetryPolicy,
  hooks: WaitForDatabaseHooks = {},
): Promise<number> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    // On the embedded server, wherever it listens now (it may have come back on another port).
    const port = (await embeddedServerPort()) ?? connection.port;
    const client = new Client(pgClientConfig({ ...connection, port }, undefined, 'clearmark-probe'));
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      hooks.onAttempt?.('success', attempt);
      return attempt;
    } catch (error) {
      lastError = error as Error;
      hooks.onAttempt?.('failure', attempt, lastError);
      if (attempt < policy.attempts) await sleep(backoffDelay(attempt, policy, hooks.random));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `Database at ${connection.host}:${connection.port} not reachable after ${policy.attempts} attempts: ${lastError?.message}`,
  );
}

/**
 * One probe for a readiness check: null when the database accepts a connection and answers
 * `SELECT 1` within `timeoutMs`, otherwise what went wrong. Its own connection, outside any pool.
 */
export async function pingDatabase(connection: DatabaseConnectionConfig, timeoutMs: number): Promise<string | null> {
  const port = (await embeddedServerPort()) ?? connection.port;
  const client = new Client({ ...pgClientConfig({ ...connection, port }, undefined, 'clearmark-probe'), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `database ${connection.host}:${port} unavailable: ${(error as Error).message || (error as { code?: string }).code || 'connection failed'}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
