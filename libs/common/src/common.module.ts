import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfigService } from '@app/config';
import { AUTH_RATE_LIMITED } from './auth/auth.decorators';
import { FixedWindowThrottlerStorage } from './rate-limit/fixed-window-throttler.storage';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';

/** Cross-cutting HTTP behaviour every api instance has: the rate limits (per client IP). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        // Per instance, in memory: behind N instances a client gets up to N times the limit.
        storage: new FixedWindowThrottlerStorage(),
        throttlers: [
          { name: 'default', ttl: config.http.rateLimit.ttlMs, limit: config.http.rateLimit.max },
          {
            name: 'auth',
            ttl: config.http.authRateLimit.ttlMs,
            limit: config.http.authRateLimit.max,
            // Only the routes marked @AuthRateLimited() (sign-in, registration, refresh).
            skipIf: (context: ExecutionContext) =>
              !Reflect.getMetadata(AUTH_RATE_LIMITED, context.getClass()) && !Reflect.getMetadata(AUTH_RATE_LIMITED, context.getHandler()),
          },
        ],
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class CommonModule {}
