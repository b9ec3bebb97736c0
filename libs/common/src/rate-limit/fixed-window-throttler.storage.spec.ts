import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

describe('FixedWindowThrottlerStorage', () => {
  let storage: FixedWindowThrottlerStorage;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    storage = new FixedWindowThrottlerStorage();
  });

  afterEach(() => {
    storage.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('counts hits per key and throttler, blocks past the limit until the window ends', async () => {
    const hit = () => storage.increment('1.2.3.4', 60_000, 3, 0, 'default');
    expect((await hit()).isBlocked).toBe(false);
    await hit();
    expect(await hit()).toEqual({ totalHits: 3, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    now += 10_000;
    expect(await hit()).toEqual({ totalHits: 4, timeToExpire: 50, isBlocked: true, timeToBlockExpire: 50 });
    // Another client and another throttler have their own windows.
    expect((await storage.increment('5.6.7.8', 60_000, 3, 0, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('1.2.3.4', 60_000, 3, 0, 'auth')).isBlocked).toBe(false);
    now += 50_000;
    expect((await hit()).isBlocked).toBe(false);
  });

  it('honours a block duration longer than the window', async () => {
    const hit = () => storage.increment('k', 1_000, 1, 30_000, 'default');
    await hit();
    expect((await hit()).timeToBlockExpire).toBe(30);
    now += 5_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 25 });
    now += 26_000;
    expect((await hit()).isBlocked).toBe(false);
  });

  it('forgets finished windows', async () => {
    await storage.increment('a', 1_000, 5, 0, 'default');
    await storage.increment('b', 1_000, 5, 0, 'default');
    expect(storage.size).toBe(2);
    now += 2_000;
    storage.sweep();
    expect(storage.size).toBe(0);
  });
});
