import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { SharedStateService } from '@app/redis';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The rate-limit counters: in Redis when REDIS_URL is set, so that a client has one budget
 * across every instance (@nest-lab/throttler-storage-redis: one atomic Lua script per hit, the
 * window and the block as key expiries); otherwise, and whenever Redis does not answer, in this
 * instance's memory (FixedWindowThrottlerStorage), so an outage of Redis turns the limits into
 * per-instance ones instead of failing requests. The fallback's counters start from zero: during
 * an outage a client may get up to (instances + 1) times its limit in one window.
 */
@Injectable()
export class SharedThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly local = new FixedWindowThrottlerStorage();
  /** The library's store on the shared-state connection (which it never closes: not its own). */
  private shared?: ThrottlerStorageRedisService;

  constructor(private readonly state: SharedStateService) {}

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerRecord> {
    return this.state.run(
      'rate-limit',
      (redis) => (this.shared ??= new ThrottlerStorageRedisService(redis)).increment(key, ttl, limit, blockDuration, throttlerName),
      () => this.local.increment(key, ttl, limit, blockDuration, throttlerName),
    );
  }

  onModuleDestroy(): void {
    this.local.onModuleDestroy();
  }
}
