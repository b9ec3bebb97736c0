import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { InjectConnection } from '@nestjs/sequelize';
import type { ModelCtor, Sequelize } from 'sequelize-typescript';
import { AppConfigService, type DatabaseConnectionConfig } from '@app/config';
import { pgClientConfig } from '@app/database';
import { parseServerVersionNum, type PgVersion } from './pg-client-tools.util';
import type { TableCounts } from './backups.types';

const SCRATCH_DATABASE = /^clearmark_drill_[0-9a-f]{12}$/;

/** A snapshot exported by an open REPEATABLE READ transaction, for `pg_dump --snapshot`. */
export interface ExportedSnapshot {
  id: string;
  /** Row counts of the tables, read inside the snapshot: exactly what the dump will hold. */
  counts: TableCounts;
  /** Ends the transaction (after pg_dump has finished with the snapshot). */
  release(): Promise<void>;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function tableNameOf(model: ModelCtor): string {
  const name = model.getTableName() as string | { tableName: string };
  return typeof name === 'string' ? name : name.tableName;
}

/**
 * PostgreSQL work of backups that the pooled application connections must not do: a dump's
 * snapshot transaction lives as long as the dump (past the pool's idle-in-transaction timeout),
 * and CREATE/DROP DATABASE cannot run in a transaction. Each uses a connection of its own with
 * the statement timeouts off, as the design allows for backups.
 */
@Injectable()
export class BackupDatabaseRepository {
  private readonly logger = new Logger(BackupDatabaseRepository.name);

  constructor(
    private readonly config: AppConfigService,
    @InjectConnection() private readonly sequelize: Sequelize,
  ) {}

  /**
   * The main tables whose row counts a backup records: the table of every model the connection
   * knows (the composition root's ALL_MODELS; parents of partitioned tables, never their partitions).
   */
  tables(): string[] {
    return [...new Set(Object.values(this.sequelize.models).map((m) => tableNameOf(m as ModelCtor)))].sort();
  }

  get connection(): DatabaseConnectionConfig {
    const connection = this.config.database.connection;
    if (!connection) throw new Error('No database connection is configured');
    return connection;
  }

  async serverVersion(connection: DatabaseConnectionConfig = this.connection): Promise<PgVersion> {
    return this.withClient(connection, async (client) => {
      const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      return parseServerVersionNum(rows[0].server_version_num);
    });
  }

  /**
   * Opens a read-only REPEATABLE READ transaction, exports its snapshot and counts the tables'
   * rows in it. pg_dump then dumps that same snapshot, so the counts describe the dump exactly.
   */
  async exportSnapshot(tables: string[]): Promise<ExportedSnapshot> {
    const client = await this.connect(this.connection);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      const counts = await this.count(client, tables);
      let released = false;
      return {
        id: rows[0].id,
        counts,
        release: async () => {
          if (released) return;
          released = true;
          await client.query('COMMIT').catch(() => undefined);
          await client.end().catch(() => undefined);
        },
      };
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Row counts of the tables in another database (a restored copy); null for a table it lacks. */
  async countRows(connection: DatabaseConnectionConfig, tables: string[]): Promise<Record<string, number | null>> {
    return this.withClient(connection, async (client) => {
      const { rows } = await client.query<{ name: string }>(`SELECT to_regclass(quote_ident(t))::text AS name FROM unnest($1::text[]) AS t`, [tables]);
      const present = new Set(rows.map((r) => r.name).filter(Boolean));
      const counts: Record<string, number | null> = {};
      for (const table of tables) counts[table] = present.has(table) ? (await this.count(client, [table]))[table] : null;
      return counts;
    });
  }

  /** Tables in the database's user schemas: a restore target with any is not empty. */
  async userTableCount(connection: DatabaseConnectionConfig): Promise<number> {
    return this.withClient(connection, async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
      );
      return rows[0].n;
    });
  }

  /**
   * Empties the target's public schema (everything in it, extensions included), as PostgreSQL
   * 15 creates it, for `backup:restore --force`. pg_restore --clean would be narrower but cannot
   * drop the inherited constraints of partitions (api_logs).
   */
  async resetPublicSchema(connection: DatabaseConnectionConfig): Promise<void> {
    await this.withClient(connection, (client) =>
      client.query('BEGIN; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; GRANT USAGE ON SCHEMA public TO PUBLIC; COMMIT'),
    );
  }

  /** Creates an empty database for a restore drill, owned by the app's role. */
  async createScratchDatabase(): Promise<string> {
    const name = `clearmark_drill_${randomBytes(6).toString('hex')}`;
    await this.withClient(this.connection, (client) => client.query(`CREATE DATABASE ${name}`));
    return name;
  }

  async dropScratchDatabase(name: string): Promise<void> {
    // Only what createScratchDatabase made: this must never be able to drop a real database.
    if (!SCRATCH_DATABASE.test(name)) throw new Error(`Refusing to drop ${name}: not a drill database`);
    await this.withClient(this.connection, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }

  private async count(client: Client, tables: string[]): Promise<TableCounts> {
    const counts: TableCounts = {};
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
      counts[table] = Number(rows[0].n);
    }
    return counts;
  }

  private async connect(connection: DatabaseConnectionConfig): Promise<Client> {
    const client = new Client(pgClientConfig(connection, undefined, 'clearmark-backup'));
    client.on('error', (error) => this.logger.warn(`Backup connection error: ${error.message}`));
    await client.connect();
    try {
      // Whatever the role's defaults: a dump's snapshot stays open as long as the dump runs.
      await client.query('SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async withClient<T>(connection: DatabaseConnectionConfig, work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connect(connection);
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
