import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Environment strings to booleans; anything else is left for @IsBoolean to reject by name. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
}

/** Environment strings to integers; a non-integer stays a string so @IsInt names the variable. */
function toInt({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  return /^-?\d+$/.test(v) ? Number(v) : value;
}

const Bool = () => Transform(toBoolean);
const Int = () => Transform(toInt);

/**
 * The raw environment the process accepts. Every variable is listed here, validated once at
 * boot; `README.md` has the same table for operators. Defaults that depend on NODE_ENV are
 * applied in `loadConfig`, not here, so that "unset" stays distinguishable.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS) NODE_ENV: NodeEnv = 'development';

  // HTTP
  @IsOptional() @Int() @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @Int() @IsInt() @Min(1024) @Max(100 * 1024 * 1024) BODY_LIMIT_BYTES?: number;
  @IsOptional() @IsString() TRUST_PROXY?: string;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @Int() @IsInt() @Min(1) RATE_LIMIT_TTL_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) RATE_LIMIT_MAX?: number;
  @IsOptional() @Int() @IsInt() @Min(0) SHUTDOWN_DELAY_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(0) SHUTDOWN_GRACE_MS?: number;
  @IsOptional() @Bool() @IsBoolean() DOCS_ENABLED?: boolean;

  // Database
  @IsOptional() @IsString() DATABASE_URL?: string;
  @IsOptional() @IsString() PGHOST?: string;
  @IsOptional() @Int() @IsInt() @Min(1) @Max(65535) PGPORT?: number;
  @IsOptional() @IsString() PGUSER?: string;
  @IsOptional() @IsString() PGPASSWORD?: string;
  @IsOptional() @IsString() PGDATABASE?: string;
  @IsOptional() @Bool() @IsBoolean() DATABASE_SSL?: boolean;
  @IsOptional() @IsString() DATABASE_SSL_CA_FILE?: string;
  @IsOptional() @Bool() @IsBoolean() DATABASE_SSL_REJECT_UNAUTHORIZED?: boolean;
  @IsOptional() @Int() @IsInt() @Min(1) @Max(1000) DB_POOL_MAX?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(1000) DB_POOL_MIN?: number;
  @IsOptional() @Int() @IsInt() @Min(1) DB_POOL_ACQUIRE_TIMEOUT_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) DB_POOL_IDLE_TIMEOUT_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(0) DB_STATEMENT_TIMEOUT_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(0) DB_IDLE_IN_TRANSACTION_TIMEOUT_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) DB_CONNECT_ATTEMPTS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) DB_CONNECT_BASE_DELAY_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) DB_CONNECT_MAX_DELAY_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(0) DB_SLOW_QUERY_MS?: number;
  @IsOptional() @Bool() @IsBoolean() MIGRATE_ON_START?: boolean;
  @IsOptional() @Int() @IsInt() @Min(0) MIGRATION_STATEMENT_TIMEOUT_MS?: number;
  @IsOptional() @IsString() EMBEDDED_PG_DATA_DIR?: string;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(65535) EMBEDDED_PG_PORT?: number;

  // Identity
  @IsOptional() @IsString() JWT_SECRET?: string;
  @IsOptional() @IsIn(['HS256', 'HS384', 'HS512']) JWT_ALGORITHM?: 'HS256' | 'HS384' | 'HS512';
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;
  @IsOptional() @Int() @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_S?: number;
  @IsOptional() @Int() @IsInt() @Min(60) REFRESH_IDLE_TTL_S?: number;
  @IsOptional() @Int() @IsInt() @Min(60) REFRESH_ABSOLUTE_TTL_S?: number;
  @IsOptional() @Int() @IsInt() @Min(0) SESSION_RETENTION_DAYS?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(60_000) REFRESH_REUSE_GRACE_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(5_000) SESSION_CACHE_TTL_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(4) @Max(15) BCRYPT_COST?: number;
  @IsOptional() @Int() @IsInt() @Min(1) AUTH_RATE_LIMIT_MAX?: number;
  @IsOptional() @Int() @IsInt() @Min(1) AUTH_RATE_LIMIT_TTL_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) LOCKOUT_THRESHOLD?: number;
  @IsOptional() @Int() @IsInt() @Min(1) LOCKOUT_MAX_MINUTES?: number;
  @IsOptional() @IsString() SMTP_URL?: string;
  @IsOptional() @IsString() SMTP_FROM?: string;
  @IsOptional() @Bool() @IsBoolean() SEED_DEMO_DATA?: boolean;

  // Observability
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: LogLevel;
  @IsOptional() @Bool() @IsBoolean() LOG_PRETTY?: boolean;
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;
  @IsOptional() @Int() @IsInt() @Min(1) HEALTH_DB_TIMEOUT_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(16) HEALTH_HEAP_LIMIT_MB?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(65535) WORKER_METRICS_PORT?: number;

  // Auditing
  @IsOptional() @Int() @IsInt() @Min(10) @Max(60_000) API_LOG_FLUSH_INTERVAL_MS?: number;
  // 11 bind parameters per row: PostgreSQL takes at most 65535 in one statement.
  @IsOptional() @Int() @IsInt() @Min(1) @Max(5_000) API_LOG_BATCH_SIZE?: number;
  @IsOptional() @Int() @IsInt() @Min(1) @Max(1_000_000) API_LOG_BUFFER_MAX?: number;
  @IsOptional() @Int() @IsInt() @Min(1) API_LOG_RETENTION_DAYS?: number;
  @IsOptional() @Bool() @IsBoolean() API_LOG_ENABLED?: boolean;
  @IsOptional() @Bool() @IsBoolean() AUDIT_REQUESTS_ENABLED?: boolean;

  // Scheduled jobs (cron expressions are checked in loadConfig, where the parser names the fault)
  @IsOptional() @Bool() @IsBoolean() SCHEDULER_ENABLED?: boolean;
  @IsOptional() @IsString() JOB_SESSION_PURGE_CRON?: string;
  @IsOptional() @IsString() JOB_API_LOG_PARTITIONS_CRON?: string;
  @IsOptional() @IsString() JOB_TRADEMARK_WATCHES_CRON?: string;
  @IsOptional() @IsString() JOB_BACKUP_CRON?: string;
  @IsOptional() @IsString() JOB_BACKUP_DRILL_CRON?: string;

  // Backups
  @IsOptional() @IsString() BACKUP_DIR?: string;
  @IsOptional() @IsString() PG_DUMP_PATH?: string;
  // At least one daily backup is kept: retention must never delete the backup it just made.
  @IsOptional() @Int() @IsInt() @Min(1) @Max(3_650) BACKUP_KEEP_DAILY?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(520) BACKUP_KEEP_WEEKLY?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(1_200) BACKUP_KEEP_MONTHLY?: number;
  @IsOptional() @Int() @IsInt() @Min(1) BACKUP_STALE_AFTER_HOURS?: number;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {}).join('; ');
    const shown = SECRET_VARIABLES.has(e.property) ? '(hidden)' : JSON.stringify(e.value);
    return `${e.property}=${shown}: ${reasons}`;
  });
}

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'PGPASSWORD', 'METRICS_TOKEN', 'JWT_SECRET', 'SMTP_URL']);

/** Validates the raw environment; throws `ConfigValidationError` naming every bad variable. */
export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  // Empty strings mean "unset": docker-compose and shells produce them for blank variables.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = plainToInstance(EnvironmentVariables, present, {
    enableImplicitConversion: false,
  });
  const errors = validateSync(parsed, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return parsed;
}
