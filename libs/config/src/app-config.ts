import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigContext, ConfigSlice } from './config-slice';
import {
  CORE_SECRETS,
  ConfigValidationError,
  EnvironmentVariables,
  LogLevel,
  NODE_ENVS,
  NodeEnv,
  validateVariables,
  variableNames,
} from './environment';

export interface DatabaseTlsConfig {
  /** PEM text of the CA bundle, read at boot from DATABASE_SSL_CA_FILE. */
  ca?: string;
  /** DATABASE_SSL_CA_FILE itself (absolute), for the PostgreSQL client tools (pg_dump, pg_restore). */
  caFile?: string;
  rejectUnauthorized: boolean;
}

export interface DatabaseConnectionConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  tls?: DatabaseTlsConfig;
}

export interface DatabaseConfig {
  /** Undefined when neither DATABASE_URL nor PGHOST is set: the embedded server is used. */
  connection?: DatabaseConnectionConfig;
  /**
   * The role migrations run as (MIGRATION_DATABASE_URL), when it is not `connection`'s: the
   * tables' owner, which grants the app's role (connection.user) what it needs. Undefined:
   * migrations run on `connection`.
   */
  migrationConnection?: DatabaseConnectionConfig;
  pool: { max: number; min: number; acquireMs: number; idleMs: number };
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  connect: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  slowQueryMs: number;
  migrateOnStart: boolean;
  /** 0 = no limit: migrations may legitimately run long (index builds on big tables). */
  migrationStatementTimeoutMs: number;
  embedded: { dataDir: string; port: number };
  /**
   * Streaming replicas of `connection` (DATABASE_READ_URLS) that serve the reads which tolerate
   * lag; none configured: every read goes to `connection`, as before.
   */
  readReplicas: ReadReplicasConfig;
}

export interface ReadReplicasConfig {
  connections: DatabaseConnectionConfig[];
  /** A replica further behind than this (DB_REPLICA_MAX_LAG_S) is out of rotation. */
  maxLagS: number;
  /** How often each replica's lag is measured (DB_REPLICA_PROBE_INTERVAL_MS). */
  probeIntervalMs: number;
}

export interface HttpConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** Fastify `trustProxy`: false, or the addresses/CIDRs of the proxies we trust. */
  trustProxy: boolean | string[];
  corsOrigins: string[];
  rateLimit: { ttlMs: number; max: number };
  /** The separate, smaller budget of the routes marked @AuthRateLimited() (sign-in, registration, refresh). */
  authRateLimit: { ttlMs: number; max: number };
  shutdownDelayMs: number;
  shutdownGraceMs: number;
  docsEnabled: boolean;
  /**
   * New requests are answered 503 with Retry-After at once (health and metrics excepted) while
   * more than `dbQueueMax` requests wait for a pooled database connection, or while the event
   * loop's mean delay exceeds `eventLoopDelayMs`; 0 turns a bound off.
   */
  loadShedding: { dbQueueMax: number; eventLoopDelayMs: number; retryAfterS: number };
}

export interface ObservabilityConfig {
  logLevel: LogLevel;
  logPretty: boolean;
  metricsToken?: string;
  healthDbTimeoutMs: number;
  healthHeapLimitBytes: number;
  /** The worker's own /metrics port (it has no HTTP app); 0 = not served. */
  workerMetricsPort: number;
}

export interface AppConfig {
  env: NodeEnv;
  /** Create the demo account (and, later, demo data) at start; development only by default. */
  seedDemoData: boolean;
  http: HttpConfig;
  database: DatabaseConfig;
  observability: ObservabilityConfig;
  /** The loaded value of every feature slice passed to `loadConfig`, by slice name (see `sliceOf`). */
  slices: Readonly<Record<string, unknown>>;
}

/** The core configuration: what libs/config itself owns. */
export type CoreConfig = Omit<AppConfig, 'slices'>;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === '0' || v === 'no') return false;
  // `true` would trust any X-Forwarded-For sender: that is never what an operator means.
  if (v === 'true') {
    throw new ConfigValidationError([
      'TRUST_PROXY=true: name the trusted proxies (comma-separated IPs or CIDRs), e.g. 10.0.0.0/8',
    ]);
  }
  return list(value);
}

/**
 * Parses a `postgres://user:password@host:5432/dbname` URL into connection settings; problems
 * are pushed (never echoing the URL, which holds a password) and undefined returned. `name` is
 * how the problems call the URL (DATABASE_URL, --target-url).
 */
export function parseDatabaseUrl(value: string, problems: string[], name = 'DATABASE_URL'): DatabaseConnectionConfig | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name}: not a valid URL (expected postgres://user:password@host:5432/dbname)`);
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`${name}: scheme must be postgres:// or postgresql://, got ${url.protocol}//`);
    return undefined;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) problems.push(`${name}: names no database (add /dbname)`);
  const sslmode = url.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(url.hostname) || 'localhost',
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || 'postgres',
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
    // sslmode in the URL is honoured as a request for TLS; certificate checks follow the
    // DATABASE_SSL_* variables so that production cannot be weakened through the URL.
    ...(sslmode && sslmode !== 'disable' ? { tls: { rejectUnauthorized: true } } : {}),
  };
}

/**
 * DATABASE_READ_URLS: comma-separated postgres:// URLs of streaming replicas of DATABASE_URL.
 * A replica is a copy of the same cluster, so each must name the same database; the embedded
 * server (no DATABASE_URL) has none.
 */
function readReplicaConnections(value: string | undefined, primary: DatabaseConnectionConfig | undefined, problems: string[]): DatabaseConnectionConfig[] {
  const urls = list(value);
  if (urls.length === 0) return [];
  if (!primary) {
    problems.push('DATABASE_READ_URLS: needs DATABASE_URL too (replicas stream from a configured primary, not the embedded server)');
    return [];
  }
  const connections: DatabaseConnectionConfig[] = [];
  const seen = new Set<string>();
  urls.forEach((url, i) => {
    const name = `DATABASE_READ_URLS (entry ${i + 1})`;
    const connection = parseDatabaseUrl(url, problems, name);
    if (!connection) return;
    const where = `${connection.host}:${connection.port}`;
    if (connection.database !== primary.database) {
      problems.push(`${name}: must name the database of DATABASE_URL (a replica is a copy of the same cluster)`);
    } else if (where === `${primary.host}:${primary.port}`) {
      problems.push(`${name}: names the primary's host and port (list the replicas only)`);
    } else if (seen.has(where)) {
      problems.push(`${name}: lists ${where} twice`);
    } else {
      seen.add(where);
      connections.push(connection);
    }
  });
  return connections;
}

function connectionFromEnv(env: EnvironmentVariables, problems: string[]): DatabaseConnectionConfig | undefined {
  if (env.DATABASE_URL) return parseDatabaseUrl(env.DATABASE_URL, problems);
  if (env.PGHOST) {
    return {
      host: env.PGHOST,
      port: env.PGPORT ?? 5432,
      user: env.PGUSER ?? 'postgres',
      password: env.PGPASSWORD,
      database: env.PGDATABASE ?? env.PGUSER ?? 'postgres',
    };
  }
  return undefined;
}

/** The core loader: HTTP, database, observability, NODE_ENV and SEED_DEMO_DATA. */
function loadCore(env: EnvironmentVariables, context: ConfigContext): CoreConfig {
  const { problems, production, development } = context;

  const connection = connectionFromEnv(env, problems);
  let migrationConnection = env.MIGRATION_DATABASE_URL ? parseDatabaseUrl(env.MIGRATION_DATABASE_URL, problems, 'MIGRATION_DATABASE_URL') : undefined;
  if (migrationConnection && !connection) {
    problems.push('MIGRATION_DATABASE_URL: needs DATABASE_URL too (the embedded PostgreSQL has one role)');
    migrationConnection = undefined;
  }
  if (migrationConnection && connection) {
    if (migrationConnection.host !== connection.host || migrationConnection.port !== connection.port || migrationConnection.database !== connection.database) {
      problems.push('MIGRATION_DATABASE_URL: must name the same host, port and database as DATABASE_URL (only the role differs)');
    }
    if (migrationConnection.user === connection.user) migrationConnection = undefined;
  }
  const replicaConnections = readReplicaConnections(env.DATABASE_READ_URLS, connection, problems);
  const wantsTls = env.DATABASE_SSL ?? connection?.tls !== undefined;
  const rejectUnauthorized = env.DATABASE_SSL_REJECT_UNAUTHORIZED ?? true;
  let ca: string | undefined;
  const caFile = env.DATABASE_SSL_CA_FILE ? resolve(env.DATABASE_SSL_CA_FILE) : undefined;
  if (connection && wantsTls && caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      problems.push(`DATABASE_SSL_CA_FILE=${env.DATABASE_SSL_CA_FILE}: cannot be read (${(e as Error).message})`);
    }
  }
  for (const conn of [connection, migrationConnection, ...replicaConnections]) {
    if (!conn) continue;
    if (wantsTls) conn.tls = { ca, ...(caFile ? { caFile } : {}), rejectUnauthorized };
    else delete conn.tls;
  }
  if (production) {
    if (!connection) {
      problems.push('DATABASE_URL: required in production (the embedded PostgreSQL is for development only)');
    } else if (!connection.tls) {
      problems.push('DATABASE_SSL: production requires TLS to the database (set DATABASE_SSL=true, and DATABASE_SSL_CA_FILE for a private CA)');
    }
    if (!rejectUnauthorized) {
      problems.push('DATABASE_SSL_REJECT_UNAUTHORIZED=false: production must verify the database certificate');
    }
    if (env.SEED_DEMO_DATA) problems.push('SEED_DEMO_DATA=true: demo data (with a published password) is refused in production');
  }

  const poolMax = env.DB_POOL_MAX ?? (production ? 50 : 20);
  const poolMin = Math.min(env.DB_POOL_MIN ?? 5, poolMax);
  if (env.DB_POOL_MIN !== undefined && env.DB_POOL_MIN > poolMax) {
    problems.push(`DB_POOL_MIN=${env.DB_POOL_MIN}: must not exceed DB_POOL_MAX (${poolMax})`);
  }
  const baseDelayMs = env.DB_CONNECT_BASE_DELAY_MS ?? 250;
  const maxDelayMs = env.DB_CONNECT_MAX_DELAY_MS ?? 10_000;
  if (maxDelayMs < baseDelayMs) {
    problems.push(`DB_CONNECT_MAX_DELAY_MS=${maxDelayMs}: must be at least DB_CONNECT_BASE_DELAY_MS (${baseDelayMs})`);
  }

  let trustProxy: boolean | string[] = false;
  try {
    trustProxy = parseTrustProxy(env.TRUST_PROXY);
  } catch (e) {
    problems.push(...(e as ConfigValidationError).problems);
  }
  const corsOrigins = list(env.CORS_ORIGINS);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`);
    }
  }

  return {
    env: env.NODE_ENV,
    seedDemoData: env.SEED_DEMO_DATA ?? development,
    http: {
      host: env.HOST ?? '0.0.0.0',
      port: env.PORT ?? 3000,
      bodyLimitBytes: env.BODY_LIMIT_BYTES ?? 1024 * 1024,
      trustProxy,
      corsOrigins,
      rateLimit: { ttlMs: env.RATE_LIMIT_TTL_MS ?? 60_000, max: env.RATE_LIMIT_MAX ?? 600 },
      authRateLimit: { max: env.AUTH_RATE_LIMIT_MAX ?? 20, ttlMs: env.AUTH_RATE_LIMIT_TTL_MS ?? 60_000 },
      shutdownDelayMs: env.SHUTDOWN_DELAY_MS ?? (production ? 5_000 : 0),
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
      docsEnabled: env.DOCS_ENABLED ?? true,
      loadShedding: {
        // A queue twice the pool: past it a request would wait for two full rounds of the pool.
        dbQueueMax: env.LOAD_SHED_DB_QUEUE_MAX ?? 2 * poolMax,
        // Off unless configured: on a shared or CPU-starved host (CI runners) the mean delay
        // passes any fixed bound now and then, and shedding would then refuse a healthy instance's work.
        eventLoopDelayMs: env.LOAD_SHED_EVENT_LOOP_DELAY_MS ?? 0,
        retryAfterS: env.LOAD_SHED_RETRY_AFTER_S ?? 1,
      },
    },
    database: {
      connection,
      migrationConnection,
      pool: {
        max: poolMax,
        min: poolMin,
        acquireMs: env.DB_POOL_ACQUIRE_TIMEOUT_MS ?? 60_000,
        idleMs: env.DB_POOL_IDLE_TIMEOUT_MS ?? 10_000,
      },
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS ?? 1_000,
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? 10_000,
      connect: { attempts: env.DB_CONNECT_ATTEMPTS ?? 30, baseDelayMs, maxDelayMs },
      slowQueryMs: env.DB_SLOW_QUERY_MS ?? 200,
      migrateOnStart: env.MIGRATE_ON_START ?? !production,
      migrationStatementTimeoutMs: env.MIGRATION_STATEMENT_TIMEOUT_MS ?? 0,
      embedded: {
        dataDir: resolve(env.EMBEDDED_PG_DATA_DIR ?? '.data/postgres'),
        port: env.EMBEDDED_PG_PORT ?? 0,
      },
      readReplicas: {
        connections: replicaConnections,
        maxLagS: env.DB_REPLICA_MAX_LAG_S ?? 30,
        probeIntervalMs: env.DB_REPLICA_PROBE_INTERVAL_MS ?? 2_000,
      },
    },
    observability: {
      logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
      logPretty: env.LOG_PRETTY ?? development,
      metricsToken: env.METRICS_TOKEN,
      healthDbTimeoutMs: env.HEALTH_DB_TIMEOUT_MS ?? 1_000,
      healthHeapLimitBytes: (env.HEALTH_HEAP_LIMIT_MB ?? 1024) * 1024 * 1024,
      workerMetricsPort: env.WORKER_METRICS_PORT ?? 9464,
    },
  };
}

/** Two slices reading one variable would validate it twice, differently: a programming error. */
function assertDisjoint(slices: readonly ConfigSlice[]): void {
  const owner = new Map<string, string>(variableNames(EnvironmentVariables).map((v) => [v, 'core']));
  const names = new Set<string>(['core']);
  for (const slice of slices) {
    if (names.has(slice.name)) throw new Error(`Two config slices are named "${slice.name}"`);
    names.add(slice.name);
    for (const variable of variableNames(slice.variables)) {
      const other = owner.get(variable);
      if (other) throw new Error(`${variable} is declared by two config slices: "${other}" and "${slice.name}"`);
      owner.set(variable, slice.name);
    }
  }
}

/**
 * Validates the environment against the core variables and every slice's, then runs each
 * loader (applying the per-environment defaults of the design). Throws one
 * `ConfigValidationError` naming every offending variable of every slice; secrets are shown
 * as `(hidden)`. The apps pass the composition root's CONFIG_SLICES.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env, slices: readonly ConfigSlice[] = []): AppConfig {
  assertDisjoint(slices);
  const secrets = new Set<string>([...CORE_SECRETS, ...slices.flatMap((s) => s.secrets)]);
  const problems: string[] = [];
  const core = validateVariables(EnvironmentVariables, rawEnv, secrets);
  problems.push(...core.problems);
  const validated = slices.map((slice) => {
    const result = validateVariables(slice.variables, rawEnv, secrets);
    problems.push(...result.problems);
    return { slice, ...result };
  });

  // An invalid NODE_ENV is already named above; the loaders still run (as development) so that
  // the one message also names their problems.
  const nodeEnv: NodeEnv = (NODE_ENVS as readonly string[]).includes(core.value.NODE_ENV) ? core.value.NODE_ENV : 'development';
  const context: ConfigContext = {
    nodeEnv,
    production: nodeEnv === 'production',
    development: nodeEnv === 'development',
    problems,
  };
  const run = <T>(problemsBefore: string[], load: () => T): T | undefined => {
    // A slice whose own variables failed validation is not loaded (its values are not typed).
    if (problemsBefore.length > 0) return undefined;
    try {
      return load();
    } catch (error) {
      if (error instanceof ConfigValidationError) {
        problems.push(...error.problems);
        return undefined;
      }
      throw error;
    }
  };
  const coreConfig = run(core.problems, () => loadCore(core.value, context));
  const values: Record<string, unknown> = {};
  for (const { slice, value, problems: own } of validated) {
    values[slice.name] = run(own, () => slice.load(value, context));
  }
  if (problems.length > 0 || !coreConfig) throw new ConfigValidationError(problems);
  return { ...coreConfig, slices: values };
}

/** The typed value of one slice out of a loaded configuration. */
export function sliceOf<T>(config: AppConfig, slice: ConfigSlice<T>): T {
  if (!(slice.name in config.slices)) throw new Error(`The config slice "${slice.name}" was not loaded: add it to CONFIG_SLICES (apps/composition)`);
  return config.slices[slice.name] as T;
}
