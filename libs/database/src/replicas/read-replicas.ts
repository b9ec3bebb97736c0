import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Client } from 'pg';
import type { Counter, Gauge } from 'prom-client';
import { Sequelize } from 'sequelize-typescript';
import { AppConfigService, type DatabaseConnectionConfig } from '@app/config';
import { classifyDatabaseError } from '../connection/database-errors';
import { connectPgClient } from '../connection/pg-client';
import { pgClientConfig, sequelizeOptions } from '../connection/sequelize-options';
import { DB_LAG_TOLERANT_READS, DB_REPLICA_IN_ROTATION, DB_REPLICA_LAG, DB_REPLICA_UP } from '../metrics/database-metrics';
import type { DbTransaction } from '../transactions/transaction-runner';

/**
 * How far a replica's replay is behind, in seconds, with whether it is a standby at all.
 *
 * - Everything received is replayed and a WAL receiver runs (it streams from the primary): 0.
 *   A standby that is idle because the primary is idle is not behind.
 * - Otherwise (records received and not replayed yet, or no WAL receiver: disconnected from the
 *   primary, so what it misses is unknown): the age of the last transaction it replayed, an upper
 *   bound of how stale its data is. NULL when it has replayed none since it started: unknown.
 *
 * Only the receiver's existence is read from pg_stat_wal_receiver (its row shows to any role; its
 * other columns only to pg_read_all_stats), so the app's own role can run this.
 * A server that is not in recovery (a promoted replica, a read endpoint that is a primary) has
 * no lag.
 */
export const REPLICA_LAG_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
       END::float8 AS lag_seconds`;

export type ReplicaState = 'in-rotation' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** `replica 1`, `replica 2`... in DATABASE_READ_URLS order (readiness is public: no hosts). */
  name: string;
  state: ReplicaState;
  /** Seconds behind the primary at the last probe; null when unknown (down, or nothing replayed yet). */
  lagSeconds: number | null;
}

export interface ReadReplicasStatus {
  /** `degraded`: some replica is out of rotation (its reads go to the primary). */
  state: 'ok' | 'degraded';
  configured: number;
  inRotation: number;
  replicas: ReplicaStatus[];
}

interface Replica {
  status: ReplicaStatus;
  /** host:port, the metrics' `replica` label (metrics are not public). */
  label: string;
  connection: DatabaseConnectionConfig;
  sequelize: Sequelize;
  probeClient?: Promise<Client>;
  /** The state last logged: each change is logged once. */
  announced?: ReplicaState;
  /** Consecutive probes that found the lag past the limit (or unknown). */
  overLimit: number;
}

/** PostgreSQL's serialization_failure: on a standby, a query cancelled by a conflict with recovery. */
const RECOVERY_CONFLICT = '40001';

function sqlState(error: unknown): string | undefined {
  const e = error as { parent?: { code?: unknown }; code?: unknown };
  const code = e?.parent?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The read replicas (DATABASE_READ_URLS): repositories run the reads that tolerate lag through
 * `read()`, which opens a read-only transaction on a replica in rotation (round robin) or, when
 * there is none, on the primary. The repository passes that transaction to its usual model and
 * query calls: a Sequelize query runs on its transaction's connection, so the same code reads
 * either server.
 *
 * An explicit choice per read rather than Sequelize's `replication` option: that option sends
 * every SELECT outside a transaction to a replica, including the reads that must see what the
 * user just wrote (the search history right after a search, a session just created), and it
 * neither measures lag nor takes a replica out of its round robin when it fails.
 *
 * Each replica is probed every DB_REPLICA_PROBE_INTERVAL_MS on a connection of its own
 * (REPLICA_LAG_SQL): one that does not answer, or lags past DB_REPLICA_MAX_LAG_S on two probes in
 * a row, is out of rotation until a probe finds it healthy again. A read that fails on a replica with a lost
 * connection (it went down mid-request) takes it out of rotation and is run once more on the
 * primary, so clients see no error; so is a read cancelled by a conflict with recovery.
 */
@Injectable()
export class ReadReplicas implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadReplicas');
  private readonly replicas: Replica[];
  private readonly maxLagS: number;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private next = 0;
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;
  private closed = false;

  constructor(
    @InjectConnection() private readonly primary: Sequelize,
    config: AppConfigService,
    @InjectMetric(DB_REPLICA_LAG) private readonly lagGauge: Gauge<string>,
    @InjectMetric(DB_REPLICA_UP) private readonly upGauge: Gauge<string>,
    @InjectMetric(DB_REPLICA_IN_ROTATION) private readonly rotationGauge: Gauge<string>,
    @InjectMetric(DB_LAG_TOLERANT_READS) private readonly reads: Counter<string>,
  ) {
    const database = config.database;
    const { connections, maxLagS, probeIntervalMs } = database.readReplicas;
    this.maxLagS = maxLagS;
    this.probeIntervalMs = probeIntervalMs;
    this.probeTimeoutMs = Math.min(Math.max(probeIntervalMs, 1_000), 5_000);
    const applicationName = `${String((primary.options.dialectOptions as { application_name?: string } | undefined)?.application_name ?? 'clearmark')}-read`;
    this.replicas = connections.map((connection, i) => {
      const options = sequelizeOptions({ ...database, connection }, applicationName);
      return {
        status: { name: `replica ${i + 1}`, state: 'down', lagSeconds: null },
        label: `${connection.host}:${connection.port}`,
        connection,
        overLimit: 0,
        sequelize: new Sequelize({
          ...options,
          // A replica that is down is found at once (connection refused), or within this bound
          // (unreachable host), and the read goes to the primary.
          dialectOptions: { ...(options.dialectOptions as object), connectionTimeoutMillis: this.probeTimeoutMs },
          pool: { ...options.pool, min: 0 },
        }),
      };
    });
  }

  /** Whether DATABASE_READ_URLS names any replica. */
  get configured(): boolean {
    return this.replicas.length > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.configured) return;
    // The first probe before serving, so that reads use the replicas from the first request on.
    await this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.probeIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.probing;
    await Promise.all(
      this.replicas.map(async (replica) => {
        await this.dropProbeClient(replica);
        await replica.sequelize.close().catch(() => undefined);
      }),
    );
  }

  /**
   * Runs `work` in a read-only transaction on a replica in rotation, else on the primary. For
   * reads that tolerate lag only (never one that must see the caller's own last write).
   */
  async read<T>(work: (transaction: DbTransaction) => Promise<T>): Promise<T> {
    const replica = this.pick();
    if (!replica) {
      this.reads.inc({ served_by: 'primary' });
      return this.primary.transaction({ readOnly: true }, work);
    }
    try {
      const result = await replica.sequelize.transaction({ readOnly: true }, work);
      this.reads.inc({ served_by: 'replica' });
      return result;
    } catch (error) {
      const lost = classifyDatabaseError(error) === 'connection';
      if (!lost && sqlState(error) !== RECOVERY_CONFLICT) throw error;
      if (lost) this.takeOut(replica, 'down', `a read lost its connection (${(error as Error).message})`);
      this.reads.inc({ served_by: 'primary_retry' });
      return this.primary.transaction({ readOnly: true }, work);
    }
  }

  /** The replicas' state, for readiness (information only: reads fall back to the primary). */
  status(): ReadReplicasStatus {
    const replicas = this.replicas.map((r) => ({ ...r.status }));
    const inRotation = replicas.filter((r) => r.state === 'in-rotation').length;
    return { state: inRotation === replicas.length ? 'ok' : 'degraded', configured: replicas.length, inRotation, replicas };
  }

  /** Measures every replica once now (also what the timer does). */
  probeAll(): Promise<void> {
    this.probing ??= Promise.all(this.replicas.map((r) => this.probe(r)))
      .then(() => undefined)
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  private pick(): Replica | undefined {
    const count = this.replicas.length;
    for (let i = 0; i < count; i++) {
      const replica = this.replicas[(this.next + i) % count] as Replica;
      if (replica.status.state === 'in-rotation') {
        this.next = (this.next + i + 1) % count;
        return replica;
      }
    }
    return undefined;
  }

  private async probe(replica: Replica): Promise<void> {
    if (this.closed) return;
    try {
      const client = await (replica.probeClient ??= this.connectProbe(replica));
      const { rows } = await client.query<{ in_recovery: boolean; lag_seconds: number | null }>({
        text: REPLICA_LAG_SQL,
        query_timeout: this.probeTimeoutMs,
      } as never);
      const row = rows[0];
      const lag = row?.lag_seconds === null || row?.lag_seconds === undefined ? null : Math.max(0, Number(row.lag_seconds));
      this.upGauge.set({ replica: replica.label }, 1);
      if (lag === null) this.lagGauge.remove({ replica: replica.label });
      else this.lagGauge.set({ replica: replica.label }, lag);
      replica.status.lagSeconds = lag;
      const over = lag === null || lag > this.maxLagS;
      replica.overLimit = over ? replica.overLimit + 1 : 0;
      if (!over) this.putBack(replica, row?.in_recovery === false);
      // Out of rotation on the second probe in a row past the limit (or at once when it was not in
      // rotation anyway): a standby that was idle and is replaying a transaction that just arrived
      // shows, for those few milliseconds, the age of the transaction before it.
      else if (replica.overLimit >= 2 || replica.status.state !== 'in-rotation') {
        const reason = lag === null ? 'its lag is unknown (it is behind and has replayed no transaction since it started)' : `it lags ${lag.toFixed(1)} s behind the primary`;
        this.takeOut(replica, 'lagging', `${reason} (limit DB_REPLICA_MAX_LAG_S=${this.maxLagS})`);
      }
    } catch (error) {
      await this.dropProbeClient(replica);
      if (this.closed) return;
      replica.overLimit = 0;
      this.upGauge.set({ replica: replica.label }, 0);
      this.lagGauge.remove({ replica: replica.label });
      replica.status.lagSeconds = null;
      this.takeOut(replica, 'down', `its probe failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  private takeOut(replica: Replica, state: Exclude<ReplicaState, 'in-rotation'>, reason: string): void {
    replica.status.state = state;
    this.rotationGauge.set({ replica: replica.label }, 0);
    if (replica.announced === state) return;
    replica.announced = state;
    this.logger.warn(`Read replica ${replica.label} is out of rotation: ${reason}; its reads go to the primary`);
  }

  private putBack(replica: Replica, notInRecovery: boolean): void {
    this.rotationGauge.set({ replica: replica.label }, 1);
    replica.status.state = 'in-rotation';
    if (replica.announced === 'in-rotation') return;
    replica.announced = 'in-rotation';
    const note = notInRecovery ? ' (it is not in recovery: a primary, not a standby)' : '';
    this.logger.log(`Read replica ${replica.label} is in rotation${note}`);
  }

  private async connectProbe(replica: Replica): Promise<Client> {
    // A connection lost between probes must not crash the process: the next probe fails and reconnects.
    return connectPgClient(
      {
        ...pgClientConfig(replica.connection, undefined, 'clearmark-replica-probe'),
        connectionTimeoutMillis: this.probeTimeoutMs,
        statement_timeout: this.probeTimeoutMs,
      },
      () => void this.dropProbeClient(replica),
    );
  }

  private async dropProbeClient(replica: Replica): Promise<void> {
    const pending = replica.probeClient;
    replica.probeClient = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}
