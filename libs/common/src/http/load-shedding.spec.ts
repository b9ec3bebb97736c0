import { isExemptFromShedding, shedReason } from './load-shedding';

describe('load shedding rules', () => {
  const limits = { dbQueueMax: 10, eventLoopDelayMs: 200 };

  it.each([
    ['an idle instance', { dbQueueLength: 0, eventLoopDelayMs: 5 }, null],
    ['a queue at the bound (not past it)', { dbQueueLength: 10, eventLoopDelayMs: 5 }, null],
    ['a queue past the bound', { dbQueueLength: 11, eventLoopDelayMs: 5 }, 'db-pool-queue'],
    ['an event loop delay past the bound', { dbQueueLength: 0, eventLoopDelayMs: 201 }, 'event-loop-delay'],
    ['both: the pool is named first', { dbQueueLength: 50, eventLoopDelayMs: 900 }, 'db-pool-queue'],
    ['no delay sampled yet', { dbQueueLength: 0 }, null],
  ] as const)('%s', (_what, state, expected) => {
    expect(shedReason(state, limits)).toBe(expected);
  });

  it('a bound of 0 never sheds', () => {
    expect(shedReason({ dbQueueLength: 10_000, eventLoopDelayMs: 10_000 }, { dbQueueMax: 0, eventLoopDelayMs: 0 })).toBeNull();
  });

  it.each([
    ['/health/live', true],
    ['/health/ready', true],
    ['/metrics', true],
    ['/v1/users/me', false],
    ['/v1/health-records', false],
    ['/docs', false],
    [undefined, false],
  ] as const)('route %s exempt: %s', (route, exempt) => {
    expect(isExemptFromShedding(route)).toBe(exempt);
  });
});
