import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the shared state (Redis). */
export class RedisVariables {
  @IsOptional() @IsString() REDIS_URL?: string;
  @IsOptional() @IsString() REDIS_KEY_PREFIX?: string;
  @IsOptional() @EnvInt() @IsInt() @Min(50) @Max(60_000) REDIS_COMMAND_TIMEOUT_MS?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(100) @Max(60_000) REDIS_CONNECT_TIMEOUT_MS?: number;
}

const PREFIX = /^[A-Za-z0-9:._-]{0,64}$/;

/**
 * Where the state that instances share lives. Without REDIS_URL every instance keeps it in its
 * own memory (rate-limit counters, lockouts of unknown addresses) and learns of revocations only
 * through the session cache's TTL, as on one machine.
 */
export const REDIS_CONFIG = defineConfigSlice({
  name: 'redis',
  variables: RedisVariables,
  // The URL may carry a password.
  secrets: ['REDIS_URL'],
  load: (env, { problems }) => {
    let url: string | undefined;
    if (env.REDIS_URL !== undefined) {
      try {
        const parsed = new URL(env.REDIS_URL);
        if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
          problems.push('REDIS_URL=(hidden): must be a redis:// or rediss:// URL (redis://[:password@]host:6379[/db])');
        } else if (!/^\/?(\d{1,2})?$/.test(parsed.pathname)) {
          problems.push('REDIS_URL=(hidden): the path must be a database number (redis://host:6379/0)');
        } else {
          url = env.REDIS_URL;
        }
      } catch {
        problems.push('REDIS_URL=(hidden): not a URL (redis://[:password@]host:6379[/db])');
      }
    }
    const keyPrefix = env.REDIS_KEY_PREFIX ?? 'clearmark:';
    if (!PREFIX.test(keyPrefix)) {
      problems.push(`REDIS_KEY_PREFIX=${JSON.stringify(keyPrefix)}: at most 64 characters from A-Z a-z 0-9 : . _ -`);
    }
    return {
      /** undefined: no Redis, every instance keeps its own state. */
      url,
      /** Prefix of every key and pub/sub channel: several deployments (or test files) may share one Redis. */
      keyPrefix,
      /** A command not answered within this fails, and the caller falls back to its per-instance state. */
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS ?? 500,
      connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS ?? 2_000,
    };
  },
});

export type RedisConfig = ConfigOf<typeof REDIS_CONFIG>;
