import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { REDIS_SKIP_VAR, REDIS_URL_VAR } from '../setup/test-env';

/** The run's Redis (see test/setup/test-redis.ts), or undefined when it has none. */
export const testRedisUrl: string | undefined = process.env[REDIS_URL_VAR];

const required = process.env.REQUIRE_REDIS === '1';

/**
 * `describe` when the run has a Redis, else `describe.skip` with the reason on stderr, so that
 * `npm test` passes on a machine with only Node.js. REQUIRE_REDIS=1 (.ci/run sets it) turns the
 * skip into a failure: a green CI run has exercised Redis.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (testRedisUrl) {
    describe(name, body);
    return;
  }
  const reason = process.env[REDIS_SKIP_VAR] ?? 'no Redis for this run';
  if (required) {
    describe(name, () => {
      it('needs Redis (REQUIRE_REDIS=1)', () => {
        throw new Error(`REQUIRE_REDIS=1 but the run has no Redis: ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`${name}: skipped, ${reason}\n`);
  describe.skip(name, body);
}

/**
 * A key prefix of this spec's own (keys and pub/sub channels), so that files running at once on
 * one Redis never see each other's counters or broadcasts.
 */
export function redisPrefix(tag: string): string {
  return `test:${tag}:${randomBytes(4).toString('hex')}:`;
}

/** A direct client on the run's Redis (for checks and cleanup); the caller quits it. */
export function redisClient(): Redis {
  if (!testRedisUrl) throw new Error('no Redis for this run');
  return new Redis(testRedisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (run in afterAll). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
