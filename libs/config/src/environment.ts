import { plainToInstance } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  getMetadataStorage,
  validateSync,
  ValidationError,
} from 'class-validator';
import { EnvBool, EnvInt } from './config-slice';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const Bool = EnvBool;
const Int = EnvInt;

/**
 * The core environment every process reads: HTTP, database, observability. Feature libs declare
 * their own variables in their config slice (`libs/<lib>/src/<lib>.config.ts`); all are
 * validated once at boot; `README.md` has the table for operators. Defaults that depend on
 * NODE_ENV are applied in the loaders, not here, so that "unset" stays distinguishable.
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
  // Load shedding: 503 with Retry-After at once instead of a long wait (0 turns a bound off).
  @IsOptional() @Int() @IsInt() @Min(0) LOAD_SHED_DB_QUEUE_MAX?: number;
  @IsOptional() @Int() @IsInt() @Min(0) LOAD_SHED_EVENT_LOOP_DELAY_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(1) @Max(3600) LOAD_SHED_RETRY_AFTER_S?: number;
  // The budget of /v1/auth/* (sign-in, registration, refresh), on top of the global one.
  @IsOptional() @Int() @IsInt() @Min(1) AUTH_RATE_LIMIT_MAX?: number;
  @IsOptional() @Int() @IsInt() @Min(1) AUTH_RATE_LIMIT_TTL_MS?: number;
  @IsOptional() @Bool() @IsBoolean() SEED_DEMO_DATA?: boolean;

  // Database
  @IsOptional() @IsString() DATABASE_URL?: string;
  @IsOptional() @IsString() MIGRATION_DATABASE_URL?: string;
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
  // Read replicas (streaming standbys of DATABASE_URL) for the reads that tolerate lag.
  @IsOptional() @IsString() DATABASE_READ_URLS?: string;
  @IsOptional() @Int() @IsInt() @Min(1) @Max(86_400) DB_REPLICA_MAX_LAG_S?: number;
  @IsOptional() @Int() @IsInt() @Min(50) @Max(600_000) DB_REPLICA_PROBE_INTERVAL_MS?: number;
  @IsOptional() @Bool() @IsBoolean() MIGRATE_ON_START?: boolean;
  @IsOptional() @Int() @IsInt() @Min(0) MIGRATION_STATEMENT_TIMEOUT_MS?: number;
  @IsOptional() @IsString() EMBEDDED_PG_DATA_DIR?: string;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(65535) EMBEDDED_PG_PORT?: number;

  // Observability
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: LogLevel;
  @IsOptional() @Bool() @IsBoolean() LOG_PRETTY?: boolean;
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;
  @IsOptional() @Int() @IsInt() @Min(1) HEALTH_DB_TIMEOUT_MS?: number;
  @IsOptional() @Int() @IsInt() @Min(16) HEALTH_HEAP_LIMIT_MB?: number;
  @IsOptional() @Int() @IsInt() @Min(0) @Max(65535) WORKER_METRICS_PORT?: number;

}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[], secrets: ReadonlySet<string>): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {}).join('; ');
    const shown = secrets.has(e.property) ? '(hidden)' : JSON.stringify(e.value);
    return `${e.property}=${shown}: ${reasons}`;
  });
}

/** The core secrets; each slice names its own (ConfigSlice.secrets). */
export const CORE_SECRETS = ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'DATABASE_READ_URLS', 'PGPASSWORD', 'METRICS_TOKEN'] as const;

/** Empty strings mean "unset": docker-compose and shells produce them for blank variables. */
export function presentVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/**
 * Validates the environment against one class of variables; returns the typed instance and the
 * problems (one line per variable, secrets hidden).
 */
export function validateVariables<V extends object>(
  variables: new () => V,
  env: NodeJS.ProcessEnv,
  secrets: ReadonlySet<string>,
): { value: V; problems: string[] } {
  const value = plainToInstance(variables, presentVariables(env), { enableImplicitConversion: false });
  const errors = validateSync(value, { skipMissingProperties: false, whitelist: false });
  return { value, problems: describe(errors, secrets) };
}

/** The names of the variables a class declares (its validated properties). */
export function variableNames(variables: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(variables, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/** Validates the core environment; throws `ConfigValidationError` naming every bad variable. */
export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const { value, problems } = validateVariables(EnvironmentVariables, env, new Set(CORE_SECRETS));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return value;
}
