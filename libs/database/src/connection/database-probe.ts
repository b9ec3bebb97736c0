import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfigService } from '@app/config';
import { MIGRATIONS_TABLE } from '../migrations/migration-runner';
import { MigrationService } from '../migrations/migration.service';
import { pgClientConfig } from './sequelize-options';

/** PostgreSQL's undefined_table: nothing migrated yet. */
const UNDEFINED_TABLE = '42P01';

export type ProbeResult =
  | { reachable: true; pending: string[] }
  | { reachable: false; reason: 'timeout' | 'unreachable' };

/**
 * Readiness's own connection to PostgreSQL, outside the application pool: when every pooled
 * connection is busy and requests queue for one, a probe that waited in that queue would fail
 * readiness (and take the instance out of the load balancer) although the database answers
 * well. One query on this connection tells both that the database answers and which
 * migrations are pending. Concurrent probes share the one in flight; after a failure the
 * connection is dropped and the next probe opens a new one.
 */
@Injectable()
export class DatabaseProbe implements OnApplicationShutdown {
  private client?: Promise<Client>;
  private inFlight?: Promise<ProbeResult>;
  private closed = false;

  constructor(
    private readonly config: AppConfigService,
    private readonly migrations: MigrationService,
  ) {}

  /** Whether the database answers within `timeoutMs` and, if so, the migrations not applied yet. */
  check(timeoutMs: number): Promise<ProbeResult> {
    this.inFlight ??= this.probe(timeoutMs).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.drop(undefined, true);
  }

  private async probe(timeoutMs: number): Promise<ProbeResult> {
    if (this.closed) return { reachable: false, reason: 'unreachable' };
    try {
      const client = await (this.client ??= this.connect(timeoutMs));
      const applied = await this.appliedMigrations(client, timeoutMs);
      const done = new Set(applied);
      return { reachable: true, pending: this.migrations.names().filter((name) => !done.has(name)) };
    } catch (error) {
      await this.drop();
      const timedOut = /timeout/i.test(error instanceof Error ? error.message : String(error));
      return { reachable: false, reason: timedOut ? 'timeout' : 'unreachable' };
    }
  }

  private async appliedMigrations(client: Client, timeoutMs: number): Promise<string[]> {
    try {
      const { rows } = await client.query<{ name: string }>({ text: `SELECT name FROM ${MIGRATIONS_TABLE}`, query_timeout: timeoutMs } as never);
      return rows.map((r) => r.name);
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
      throw error;
    }
  }

  private async connect(timeoutMs: number): Promise<Client> {
    const connection = this.config.database.connection;
    if (!connection) throw new Error('no database connection configured');
    const client = new Client({
      ...pgClientConfig(connection, undefined, 'clearmark-readiness'),
      connectionTimeoutMillis: timeoutMs,
      // Bounds the probe on the server too, so a stuck query never holds this connection.
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs,
    });
    // A connection lost between probes (a database restart) must not crash the process: forget
    // it, the next probe opens another.
    client.on('error', () => void this.drop(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /**
   * Forgets the connection (only `which`, when given: a late error of an older one changes
   * nothing). Closing is not awaited unless asked: over a broken network it can take as long as
   * TCP does, and readiness must answer now.
   */
  private async drop(which?: Client, waitForClose = false): Promise<void> {
    const current = this.client;
    if (!current) return;
    const client = await current.catch(() => undefined);
    if (which && client !== which) return;
    if (this.client === current) this.client = undefined;
    const closing = client?.end().catch(() => undefined);
    if (waitForClose) await closing;
  }
}
