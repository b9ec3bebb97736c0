import { Module } from '@nestjs/common';
import { SharedStateModule } from '@app/redis';
import { SharedThrottlerStorage } from './shared-throttler.storage';

/**
 * The rate-limit counters' store, as an injectable provider (a @nestjs/throttler
 * `ThrottlerStorage`): in Redis when REDIS_URL is set (one budget per client across instances),
 * else, and while Redis does not answer, in memory per instance (SharedThrottlerStorage).
 */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

@Module({
  imports: [SharedStateModule],
  providers: [{ provide: RATE_LIMIT_STORAGE, useClass: SharedThrottlerStorage }],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}
