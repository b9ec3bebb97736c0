import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type KeysetPosition } from '@app/common';
import { PreparedStatements, ReadReplicas, type PreparedStatement } from '@app/database';
import { monthPartition } from './api-log-partitions.util';
import { arrayLiteral } from './array-literal.util';
import type { ApiLogFilter, ApiLogPartition, ApiLogRecord, NewApiLog } from './api-log.types';

const COLUMNS = [
  'id',
  'created_at',
  'request_id',
  'user_id',
  'method',
  'route',
  'path',
  'status',
  'duration_ms',
  'response_bytes',
  'ip',
  'user_agent',
] as const;

/** The type of each of COLUMNS, for the arrays the insert unnests. */
const COLUMN_TYPES = ['uuid', 'timestamptz', 'text', 'uuid', 'text', 'text', 'text', 'smallint', 'float8', 'bigint', 'text', 'text'];

// Idempotent: a retried batch that had in fact committed adds nothing (ids are made at capture).
const INSERT_ROWS: PreparedStatement = {
  name: 'api_logs_insert',
  text: `INSERT INTO api_logs (${COLUMNS.join(', ')})
         SELECT * FROM unnest(${COLUMN_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
         ON CONFLICT (id, created_at) DO NOTHING`,
};

/**
 * At most this many rows per INSERT. The bound of the former multi-row VALUES statement (65535
 * bind parameters, twelve per row), kept so that a batch stays a bounded statement.
 */
export const MAX_INSERT_ROWS = Math.floor(65_535 / COLUMNS.length);

// Partition DDL takes a lock on api_logs: never queue behind a long reader (and make every
// insert queue behind us); give up and let the next maintenance run do it.
const DDL_LOCK_TIMEOUT = '2s';

interface ApiLogRow {
  id: string;
  created_at: Date;
  request_id: string;
  user_id: string | null;
  method: string;
  route: string | null;
  path: string;
  status: number;
  duration_ms: number;
  response_bytes: string | null;
  ip: string | null;
  user_agent: string | null;
  cursor_created_at: string;
}

function toRecord(row: ApiLogRow): ApiLogRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    requestId: row.request_id,
    userId: row.user_id,
    method: row.method,
    route: row.route,
    path: row.path,
    status: row.status,
    durationMs: row.duration_ms,
    responseBytes: row.response_bytes === null ? null : Number(row.response_bytes),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

function valuesOf(row: NewApiLog): unknown[] {
  return [
    row.id,
    row.createdAt,
    row.requestId,
    row.userId,
    row.method,
    row.route,
    row.path,
    row.status,
    row.durationMs,
    row.responseBytes,
    row.ip,
    row.userAgent,
  ];
}

/** The SQL error for a row whose month has no partition (and there is no default partition). */
function isMissingPartition(error: unknown): boolean {
  const e = error as { parent?: { code?: unknown; message?: unknown }; original?: { code?: unknown }; message?: unknown };
  const code = e?.parent?.code ?? e?.original?.code;
  const message = String(e?.parent?.message ?? e?.message ?? '');
  return code === '23514' && message.includes('no partition of relation');
}

/**
 * The admin list query: newest first in (created_at DESC, id DESC) keyset order, every filter an
 * equality or range that one of api_logs' indexes serves (the EXPLAIN spec runs exactly this).
 * Fetches `limit + 1` rows so the caller can tell whether there is a next page.
 */
export function apiLogListQuery(
  filter: ApiLogFilter,
  limit: number,
  after?: KeysetPosition,
): { sql: string; replacements: Record<string, unknown> } {
  const conditions: string[] = [];
  const replacements: Record<string, unknown> = { limit: limit + 1 };
  if (filter.userId !== undefined) {
    conditions.push('user_id = CAST(:userId AS uuid)');
    replacements.userId = filter.userId;
  }
  if (filter.method !== undefined) {
    conditions.push('method = :method');
    replacements.method = filter.method;
  }
  if (filter.status !== undefined) {
    conditions.push('status = CAST(:status AS smallint)');
    replacements.status = filter.status;
  }
  if (filter.route !== undefined) {
    conditions.push('route = :route');
    replacements.route = filter.route;
  }
  if (filter.from !== undefined) {
    conditions.push('created_at >= CAST(:from AS timestamptz)');
    replacements.from = filter.from.toISOString();
  }
  if (filter.to !== undefined) {
    conditions.push('created_at < CAST(:to AS timestamptz)');
    replacements.to = filter.to.toISOString();
  }
  if (after) {
    conditions.push(KEYSET_AFTER_SQL);
    replacements.afterCreatedAt = after.createdAt;
    replacements.afterId = after.id;
  }
  const sql = `SELECT id, created_at, request_id, user_id, method, route, path, status, duration_ms, response_bytes, ip, user_agent,
         ${KEYSET_CREATED_AT_SQL} AS cursor_created_at
    FROM api_logs
   ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
   ORDER BY created_at DESC, id DESC
   LIMIT :limit`;
  return { sql, replacements };
}

/**
 * The api_logs table and its partitions: the only place that talks to them. Plain SQL on the
 * app's connection rather than the ApiLog model: multi-row INSERTs with bind parameters,
 * partition DDL and catalog queries are not what a model does, and a model class is shared by
 * every Sequelize instance of the process while the connection is this app's own.
 */
@Injectable()
export class ApiLogRepository {
  private readonly logger = new Logger(ApiLogRepository.name);

  constructor(
    @InjectConnection() private readonly sequelize: Sequelize,
    private readonly statements: PreparedStatements,
    private readonly replicas: ReadReplicas,
  ) {}

  /**
   * Writes the rows in one INSERT (at most MAX_INSERT_ROWS).
   * When a row's month has no partition yet (an instance that outlived its maintenance), creates
   * the missing partitions and tries once more, so the rows are not lost to a calendar.
   */
  async insertMany(rows: NewApiLog[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.length > MAX_INSERT_ROWS) throw new RangeError(`At most ${MAX_INSERT_ROWS} api-log rows per statement, got ${rows.length}`);
    try {
      await this.insert(rows);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      const months = new Map(rows.map((row) => monthPartition(row.createdAt)).map((p) => [p.name, p]));
      for (const partition of months.values()) await this.createPartition(partition);
      this.logger.warn(`Created api_logs partition(s) ${[...months.keys()].join(', ')} on demand: is partition maintenance running?`);
      await this.insert(rows);
    }
  }

  /**
   * One column array per parameter, unnested into rows: a statement of fixed shape whatever the
   * batch size, so it is prepared once per connection, where a multi-row VALUES list with twelve
   * bind parameters per row was rewritten by Sequelize and parsed and planned by PostgreSQL for
   * every batch (a few percent of the CPU of a busy instance).
   */
  private async insert(rows: NewApiLog[]): Promise<void> {
    const columns: unknown[][] = COLUMNS.map(() => new Array<unknown>(rows.length));
    rows.forEach((row, r) => valuesOf(row).forEach((value, c) => ((columns[c] as unknown[])[r] = value)));
    await this.statements.execute(INSERT_ROWS, columns.map(arrayLiteral));
  }

  /**
   * Rows in keyset order with their positions; `limit + 1` at most (see apiLogListQuery). An admin
   * read that tolerates lag: on a read replica when one is in rotation.
   */
  async list(filter: ApiLogFilter, limit: number, after?: KeysetPosition): Promise<Array<{ record: ApiLogRecord; position: KeysetPosition }>> {
    const { sql, replacements } = apiLogListQuery(filter, limit, after);
    const rows = await this.replicas.read((transaction) => this.sequelize.query<ApiLogRow>(sql, { replacements, type: QueryTypes.SELECT, transaction }));
    return rows.map((row) => ({ record: toRecord(row), position: { createdAt: row.cursor_created_at, id: row.id } }));
  }

  /** Every partition of api_logs with its bounds, oldest first. */
  async listPartitions(): Promise<ApiLogPartition[]> {
    const rows = await this.sequelize.query<{ name: string; from: Date | null; to: Date | null }>(
      `SELECT c.relname AS name,
              CAST((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1] AS timestamptz) AS "from",
              CAST((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1] AS timestamptz) AS "to"
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = CAST('api_logs' AS regclass)
        ORDER BY 2`,
      { type: QueryTypes.SELECT },
    );
    // A DEFAULT partition (none is made, but an operator could add one) has no bounds: never
    // planned for creation or retention.
    return rows.filter((r): r is ApiLogPartition => r.from !== null && r.to !== null);
  }

  /**
   * Creates the partition unless a table of that name exists; false when it already did. Through
   * the owner's function api_logs_create_partition: only a table's owner may add partitions,
   * and the app's database role is not the owner when migrations run as a role of their own.
   */
  async createPartition(partition: ApiLogPartition): Promise<boolean> {
    return this.sequelize.transaction(async (transaction) => {
      await this.sequelize.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`, { transaction });
      const [row] = await this.sequelize.query<{ created: boolean }>('SELECT api_logs_create_partition(:name, :from, :to) AS created', {
        replacements: { name: partition.name, from: partition.from.toISOString(), to: partition.to.toISOString() },
        type: QueryTypes.SELECT,
        transaction,
      });
      return row?.created === true;
    });
  }

  /** Drops a partition and every row in it (through the owner's function, as above). */
  async dropPartition(name: string): Promise<void> {
    if (!/^api_logs_[a-z0-9_]+$/.test(name)) throw new Error(`Not an api_logs partition name: ${name}`);
    await this.sequelize.transaction(async (transaction) => {
      await this.sequelize.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`, { transaction });
      await this.sequelize.query('SELECT api_logs_drop_partition(:name)', { replacements: { name }, transaction });
    });
  }
}
