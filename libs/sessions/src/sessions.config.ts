import { randomBytes } from 'node:crypto';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The environment variables of the sessions lib (access tokens, refresh tokens, session purge). */
export class SessionsVariables {
  @IsOptional() @IsString() JWT_SECRET?: string;
  @IsOptional() @IsIn(JWT_ALGORITHMS) JWT_ALGORITHM?: JwtAlgorithm;
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;
  @IsOptional() @EnvInt() @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_S?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(60) REFRESH_IDLE_TTL_S?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(60) REFRESH_ABSOLUTE_TTL_S?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(0) SESSION_RETENTION_DAYS?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(60_000) REFRESH_REUSE_GRACE_MS?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(5_000) SESSION_CACHE_TTL_MS?: number;
  @IsOptional() @IsString() JOB_SESSION_PURGE_CRON?: string;
}

/** Access tokens (JWT), refresh-token sessions, the liveness cache and the `session-purge` job. */
export const SESSIONS_CONFIG = defineConfigSlice({
  name: 'sessions',
  variables: SessionsVariables,
  secrets: ['JWT_SECRET'],
  load: (env, { production, problems }) => {
    const secret = env.JWT_SECRET;
    if (secret !== undefined && Buffer.byteLength(secret, 'utf8') < 32) {
      problems.push('JWT_SECRET=(hidden): must be at least 32 bytes (e.g. openssl rand -base64 48)');
    }
    if (secret === undefined && production) {
      problems.push('JWT_SECRET: required in production (at least 32 bytes, e.g. openssl rand -base64 48)');
    }
    const idleTtlS = env.REFRESH_IDLE_TTL_S ?? 7 * 86_400;
    const absoluteTtlS = env.REFRESH_ABSOLUTE_TTL_S ?? 30 * 86_400;
    if (idleTtlS > absoluteTtlS) {
      problems.push(`REFRESH_IDLE_TTL_S=${idleTtlS}: must not exceed REFRESH_ABSOLUTE_TTL_S (${absoluteTtlS})`);
    }
    return {
      jwt: {
        // Development and tests may run without one: tokens then last as long as the process.
        secret: secret ?? randomBytes(48).toString('base64'),
        algorithm: env.JWT_ALGORITHM ?? 'HS256',
        issuer: env.JWT_ISSUER ?? 'clearmark',
        audience: env.JWT_AUDIENCE ?? 'clearmark-api',
        accessTtlS: env.ACCESS_TOKEN_TTL_S ?? 900,
      },
      /** True when JWT_SECRET was not set and a random one was made for this process (dev/test only). */
      ephemeralSecret: secret === undefined,
      // reuseGraceMs: a just-rotated refresh token presented again within this answers 409 instead of ending the session.
      refresh: { idleTtlS, absoluteTtlS, retentionDays: env.SESSION_RETENTION_DAYS ?? 30, reuseGraceMs: env.REFRESH_REUSE_GRACE_MS ?? 10_000 },
      sessionCacheTtlMs: env.SESSION_CACHE_TTL_MS ?? 2_000,
      /** `session-purge`: hourly by default. */
      purgeSchedule: cronSchedule('JOB_SESSION_PURGE_CRON', env.JOB_SESSION_PURGE_CRON, '17 * * * *', problems),
    };
  },
});

export type SessionsConfig = ConfigOf<typeof SESSIONS_CONFIG>;
