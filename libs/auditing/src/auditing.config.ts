import type { KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvBool, EnvInt, type ConfigOf } from '@app/config';
import { parseSigningKey } from './audit-log/checkpoints/audit-signing';

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
  @IsOptional() @IsString() AUDIT_SIGNING_KEY?: string;
  @IsOptional() @IsString() AUDIT_DIGEST_DIR?: string;
  @IsOptional() @IsString() JOB_AUDIT_CHECKPOINT_CRON?: string;
}

/** Where the audit log's signing key comes from. */
export type AuditSigningKeySource =
  | { kind: 'env'; key: KeyObject }
  /** Development without AUDIT_SIGNING_KEY: generated once and kept in this file (0600). */
  | { kind: 'file'; path: string }
  /** Test without AUDIT_SIGNING_KEY: one key per process, never written. */
  | { kind: 'ephemeral' };

export const AUDITING_CONFIG = defineConfigSlice({
  name: 'auditing',
  variables: AuditingVariables,
  secrets: ['AUDIT_SIGNING_KEY'],
  load: (env, { problems, production, nodeEnv }) => {
    const digestDir = resolve(env.AUDIT_DIGEST_DIR ?? (nodeEnv === 'test' ? join(tmpdir(), 'clearmark-audit-digests') : '.data/audit-digests'));
    // Development: beside the checkpoints, so that every process sharing them (api, worker) signs alike.
    let signingKey: AuditSigningKeySource = nodeEnv === 'test' ? { kind: 'ephemeral' } : { kind: 'file', path: join(digestDir, 'development-signing-key.pem') };
    if (env.AUDIT_SIGNING_KEY !== undefined) {
      try {
        signingKey = { kind: 'env', key: parseSigningKey(env.AUDIT_SIGNING_KEY) };
      } catch (error) {
        problems.push(`AUDIT_SIGNING_KEY=(hidden): ${(error as Error).message}`);
      }
    } else if (production) {
      problems.push('AUDIT_SIGNING_KEY: required in production (an Ed25519 private key: openssl genpkey -algorithm ed25519)');
    }
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
      checkpoints: {
        signingKey,
        /** Signed checkpoints, one folder per database, outside the database (like CloudTrail digests). */
        digestDir,
        /** `audit-checkpoint`: every 5 minutes by default. */
        schedule: cronSchedule('JOB_AUDIT_CHECKPOINT_CRON', env.JOB_AUDIT_CHECKPOINT_CRON, '*/5 * * * *', problems),
      },
    };
  },
});

export type AuditingConfig = ConfigOf<typeof AUDITING_CONFIG>;
export type ApiLogConfig = AuditingConfig['apiLog'];
