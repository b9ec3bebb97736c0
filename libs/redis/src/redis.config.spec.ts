import { REDIS_CONFIG } from './redis.config';

const load = (env: Record<string, string>) => {
  const problems: string[] = [];
  const value = REDIS_CONFIG.load(env as never, { nodeEnv: 'test', production: false, development: false, problems });
  return { value, problems };
};

describe('REDIS_CONFIG', () => {
  it('keeps every instance on its own state without REDIS_URL', () => {
    expect(load({})).toEqual({ value: { url: undefined, keyPrefix: 'clearmark:', commandTimeoutMs: 500, connectTimeoutMs: 2_000 }, problems: [] });
  });

  it('takes redis:// and rediss:// URLs with a database number', () => {
    expect(load({ REDIS_URL: 'redis://:pw@cache:6379/2' }).value.url).toBe('redis://:pw@cache:6379/2');
    expect(load({ REDIS_URL: 'rediss://cache.example.com:6380' }).problems).toEqual([]);
  });

  it('refuses other URLs without echoing them (they may carry a password)', () => {
    for (const url of ['http://:hunter2@cache:6379', 'redis://:hunter2@cache:6379/x', 'hunter2']) {
      const { problems } = load({ REDIS_URL: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^REDIS_URL=\(hidden\): /);
      expect(problems[0]).not.toContain('hunter2');
    }
  });

  it('refuses a key prefix that is not a plain name', () => {
    expect(load({ REDIS_KEY_PREFIX: 'a b*' }).problems).toEqual(['REDIS_KEY_PREFIX="a b*": at most 64 characters from A-Z a-z 0-9 : . _ -']);
    expect(load({ REDIS_KEY_PREFIX: 'prod-eu:' }).problems).toEqual([]);
  });
});
