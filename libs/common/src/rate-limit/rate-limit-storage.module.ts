import { Module } from '@nestjs/common';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

/**
 * The rate-limit counters' store, as an injectable provider (a @nestjs/throttler
 * `ThrottlerStorage`). In memory per instance today; a shared store (Redis) replaces this
 * provider without touching the guard or the throttlers.
 */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

@Module({
  providers: [{ provide: RATE_LIMIT_STORAGE, useClass: FixedWindowThrottlerStorage }],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}
