import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvBool, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the auditing lib (request log, audit log). */
export class AuditingVariables {
  @IsOptional() @EnvInt() @IsInt() @Min(10) @Max(60_000) API_LOG_FLUSH_INTERVAL_MS?: number;
  // 11 bind parameters per row: PostgreSQL takes at most 65535 in one statement.
  @IsOptional() @EnvInt() @IsInt() @Min(1) @Max(5_000) API_LOG_BATCH_SIZE?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(1) @Max(1_000_000) API_LOG_BUFFER_MAX?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(1) API_LOG_RETENTION_DAYS?: number;
  @IsOptional() @EnvBool() @IsBoolean() API_LOG_ENABLED?: boolean;
  @IsOptional() @EnvBool() @IsBoolean() AUDIT_REQUESTS_ENABLED?: boolean;
  @IsOptional() @IsString() JOB_API_LOG_PARTITIONS_CRON?: string;
}

export const AUDITING_CONFIG = defineConfigSlice({
  name: 'auditing',
  variables: AuditingVariables,
  load: (env, { problems }) => {
    const batchSize = env.API_LOG_BATCH_SIZE ?? 500;
    const bufferMax = env.API_LOG_BUFFER_MAX ?? 10_000;
    if (bufferMax < batchSize) problems.push(`API_LOG_BUFFER_MAX=${bufferMax}: must be at least API_LOG_BATCH_SIZE (${batchSize})`);
    return {
      apiLog: {
        flushIntervalMs: env.API_LOG_FLUSH_INTERVAL_MS ?? 1_000,
        batchSize,
        /** Rows held in memory at most; when full, new rows are dropped and counted. */
        bufferMax,
        retentionDays: env.API_LOG_RETENTION_DAYS ?? 90,
        /** Off only to measure its cost (bench) or in an emergency: requests then go unlogged. */
        enabled: env.API_LOG_ENABLED ?? true,
      },
      /** Record every mutating request through the audit interceptor (explicit events are always recorded). */
      auditRequests: env.AUDIT_REQUESTS_ENABLED ?? true,
      /** `api-log-partitions`: daily by default. */
      partitionsSchedule: cronSchedule('JOB_API_LOG_PARTITIONS_CRON', env.JOB_API_LOG_PARTITIONS_CRON, '7 0 * * *', problems),
    };
  },
});

export type AuditingConfig = ConfigOf<typeof AUDITING_CONFIG>;
export type ApiLogConfig = AuditingConfig['apiLog'];
