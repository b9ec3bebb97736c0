import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateCronExpression } from 'cron';
import {
  ConfigValidationError,
  EnvironmentVariables,
  LogLevel,
  NodeEnv,
  validateEnvironment,
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
  pool: { max: number; min: number; acquireMs: number; idleMs: number };
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  connect: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  slowQueryMs: number;
  migrateOnStart: boolean;
  /** 0 = no limit: migrations may legitimately run long (index builds on big tables). */
  migrationStatementTimeoutMs: number;
  embedded: { dataDir: string; port: number };
}

export interface HttpConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** Fastify `trustProxy`: false, or the addresses/CIDRs of the proxies we trust. */
  trustProxy: boolean | string[];
  corsOrigins: string[];
  rateLimit: { ttlMs: number; max: number };
  shutdownDelayMs: number;
  shutdownGraceMs: number;
  docsEnabled: boolean;
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

export interface AuthConfig {
  jwt: { secret: string; algorithm: 'HS256' | 'HS384' | 'HS512'; issuer: string; audience: string; accessTtlS: number };
  /** True when JWT_SECRET was not set and a random one was made for this process (dev/test only). */
  ephemeralSecret: boolean;
  refresh: {
    idleTtlS: number;
    absoluteTtlS: number;
    retentionDays: number;
    /** A just-rotated refresh token presented again within this answers 409 instead of ending the session. */
    reuseGraceMs: number;
  };
  sessionCacheTtlMs: number;
  bcryptCost: number;
  rateLimit: { max: number; ttlMs: number };
  lockout: { threshold: number; maxMinutes: number };
}

export interface NotificationsConfig {
  smtpUrl?: string;
  from: string;
}

export interface ApiLogConfig {
  flushIntervalMs: number;
  batchSize: number;
  /** Rows held in memory at most; when full, new rows are dropped and counted. */
  bufferMax: number;
  retentionDays: number;
  /** Off only to measure its cost (bench) or in an emergency: requests then go unlogged. */
  enabled: boolean;
}

export interface AuditingConfig {
  apiLog: ApiLogConfig;
  /** Record every mutating request through the audit interceptor (explicit events are always recorded). */
  auditRequests: boolean;
}

/** A cron expression (five fields, or six with seconds first), evaluated in UTC; null = not scheduled. */
export type JobSchedule = string | null;

export interface JobsConfig {
  /**
   * SCHEDULER_ENABLED as set; undefined when unset, and each process applies its own default
   * (the worker runs the scheduler, the api only in development, the cli never).
   */
  schedulerEnabled?: boolean;
  schedules: {
    sessionPurge: JobSchedule;
    apiLogPartitions: JobSchedule;
    backup: JobSchedule;
    backupDrill: JobSchedule;
    trademarkWatches: JobSchedule;
  };
}

export interface BackupsConfig {
  /** Absolute path of BACKUP_DIR. */
  dir: string;
  /** PG_DUMP_PATH: the pg_dump binary (or the folder holding it); undefined = search the PATH. */
  pgDumpPath?: string;
  keep: { daily: number; weekly: number; monthly: number };
  /** Readiness reports the backup as degraded when the newest good one is older than this. */
  staleAfterHours: number;
}

export interface AppConfig {
  env: NodeEnv;
  /** Create the demo account (and, later, demo data) at start; development only by default. */
  seedDemoData: boolean;
  http: HttpConfig;
  database: DatabaseConfig;
  observability: ObservabilityConfig;
  auth: AuthConfig;
  notifications: NotificationsConfig;
  auditing: AuditingConfig;
  jobs: JobsConfig;
  backups: BackupsConfig;
}

/** Schedules when their variable is unset (UTC): off the hour, so jobs do not all start at once. */
export const DEFAULT_SCHEDULES = {
  sessionPurge: '17 * * * *',
  apiLogPartitions: '7 0 * * *',
  backup: '0 2 * * *',
  backupDrill: '0 4 * * 0',
  trademarkWatches: '37 * * * *',
} as const;

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

/**
 * Validates the environment and builds the typed configuration, applying the per-environment
 * defaults of the design (pool, migrations on start, log format). Throws
 * `ConfigValidationError` naming every offending variable.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = validateEnvironment(rawEnv);
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const development = env.NODE_ENV === 'development';

  const connection = connectionFromEnv(env, problems);
  const wantsTls = env.DATABASE_SSL ?? connection?.tls !== undefined;
  const rejectUnauthorized = env.DATABASE_SSL_REJECT_UNAUTHORIZED ?? true;
  if (connection) {
    if (wantsTls) {
      let ca: string | undefined;
      const caFile = env.DATABASE_SSL_CA_FILE ? resolve(env.DATABASE_SSL_CA_FILE) : undefined;
      if (caFile) {
        try {
          ca = readFileSync(caFile, 'utf8');
        } catch (e) {
          problems.push(`DATABASE_SSL_CA_FILE=${env.DATABASE_SSL_CA_FILE}: cannot be read (${(e as Error).message})`);
        }
      }
      connection.tls = { ca, ...(caFile ? { caFile } : {}), rejectUnauthorized };
    } else {
      delete connection.tls;
    }
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

  let jwtSecret = env.JWT_SECRET;
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret, 'utf8') < 32) {
    problems.push('JWT_SECRET=(hidden): must be at least 32 bytes (e.g. openssl rand -base64 48)');
  }
  if (jwtSecret === undefined && production) {
    problems.push('JWT_SECRET: required in production (at least 32 bytes, e.g. openssl rand -base64 48)');
  }
  const ephemeralSecret = jwtSecret === undefined;
  // Development and tests may run without one: tokens then last as long as the process.
  jwtSecret ??= randomBytes(48).toString('base64');
  const idleTtlS = env.REFRESH_IDLE_TTL_S ?? 7 * 86_400;
  const absoluteTtlS = env.REFRESH_ABSOLUTE_TTL_S ?? 30 * 86_400;
  if (idleTtlS > absoluteTtlS) {
    problems.push(`REFRESH_IDLE_TTL_S=${idleTtlS}: must not exceed REFRESH_ABSOLUTE_TTL_S (${absoluteTtlS})`);
  }
  if (env.SMTP_URL && !/^smtps?:\/\//.test(env.SMTP_URL)) problems.push('SMTP_URL=(hidden): must start with smtp:// or smtps://');
  const apiLogBatchSize = env.API_LOG_BATCH_SIZE ?? 500;
  const apiLogBufferMax = env.API_LOG_BUFFER_MAX ?? 10_000;
  if (apiLogBufferMax < apiLogBatchSize) {
    problems.push(`API_LOG_BUFFER_MAX=${apiLogBufferMax}: must be at least API_LOG_BATCH_SIZE (${apiLogBatchSize})`);
  }

  const schedule = (name: keyof EnvironmentVariables, fallback: string): JobSchedule => {
    const value = (env[name] as string | undefined)?.trim() ?? fallback;
    if (value.toLowerCase() === 'off') return null;
    const check = validateCronExpression(value);
    if (!check.valid) {
      problems.push(`${name}=${JSON.stringify(value)}: not a cron expression (${check.error?.message ?? 'invalid'}); use five fields, six with seconds first, or "off"`);
    }
    return value;
  };
  const schedules: JobsConfig['schedules'] = {
    sessionPurge: schedule('JOB_SESSION_PURGE_CRON', DEFAULT_SCHEDULES.sessionPurge),
    apiLogPartitions: schedule('JOB_API_LOG_PARTITIONS_CRON', DEFAULT_SCHEDULES.apiLogPartitions),
    backup: schedule('JOB_BACKUP_CRON', DEFAULT_SCHEDULES.backup),
    backupDrill: schedule('JOB_BACKUP_DRILL_CRON', DEFAULT_SCHEDULES.backupDrill),
    trademarkWatches: schedule('JOB_TRADEMARK_WATCHES_CRON', DEFAULT_SCHEDULES.trademarkWatches),
  };

  if (problems.length > 0) throw new ConfigValidationError(problems);

  if (production && env.SEED_DEMO_DATA) problems.push('SEED_DEMO_DATA=true: demo data (with a published password) is refused in production');
  if (problems.length > 0) throw new ConfigValidationError(problems);

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
      shutdownDelayMs: env.SHUTDOWN_DELAY_MS ?? (production ? 5_000 : 0),
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
      docsEnabled: env.DOCS_ENABLED ?? true,
    },
    database: {
      connection,
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
    },
    auth: {
      jwt: {
        secret: jwtSecret,
        algorithm: env.JWT_ALGORITHM ?? 'HS256',
        issuer: env.JWT_ISSUER ?? 'clearmark',
        audience: env.JWT_AUDIENCE ?? 'clearmark-api',
        accessTtlS: env.ACCESS_TOKEN_TTL_S ?? 900,
      },
      ephemeralSecret,
      refresh: { idleTtlS, absoluteTtlS, retentionDays: env.SESSION_RETENTION_DAYS ?? 30, reuseGraceMs: env.REFRESH_REUSE_GRACE_MS ?? 10_000 },
      sessionCacheTtlMs: env.SESSION_CACHE_TTL_MS ?? 2_000,
      bcryptCost: env.BCRYPT_COST ?? (production ? 12 : env.NODE_ENV === 'test' ? 4 : 10),
      rateLimit: { max: env.AUTH_RATE_LIMIT_MAX ?? 20, ttlMs: env.AUTH_RATE_LIMIT_TTL_MS ?? 60_000 },
      lockout: { threshold: env.LOCKOUT_THRESHOLD ?? 5, maxMinutes: env.LOCKOUT_MAX_MINUTES ?? 60 },
    },
    notifications: { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM ?? 'Clearmark <no-reply@clearmark.dev>' },
    auditing: {
      apiLog: {
        flushIntervalMs: env.API_LOG_FLUSH_INTERVAL_MS ?? 1_000,
        batchSize: apiLogBatchSize,
        bufferMax: apiLogBufferMax,
        retentionDays: env.API_LOG_RETENTION_DAYS ?? 90,
        enabled: env.API_LOG_ENABLED ?? true,
      },
      auditRequests: env.AUDIT_REQUESTS_ENABLED ?? true,
    },
    jobs: { schedulerEnabled: env.SCHEDULER_ENABLED, schedules },
    backups: {
      dir: resolve(env.BACKUP_DIR ?? '.data/backups'),
      pgDumpPath: env.PG_DUMP_PATH,
      keep: { daily: env.BACKUP_KEEP_DAILY ?? 7, weekly: env.BACKUP_KEEP_WEEKLY ?? 4, monthly: env.BACKUP_KEEP_MONTHLY ?? 12 },
      staleAfterHours: env.BACKUP_STALE_AFTER_HOURS ?? 26,
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
