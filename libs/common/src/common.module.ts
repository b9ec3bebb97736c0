import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { AppConfigService } from '@app/config';
import { AUTH_RATE_LIMITED } from './auth/auth.decorators';
import { RATE_LIMIT_STORAGE, RateLimitStorageModule } from './rate-limit/rate-limit-storage.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { UnknownQueryGuard } from './validation/unknown-query.guard';

const isAuthRoute = (context: ExecutionContext): boolean =>
  Boolean(Reflect.getMetadata(AUTH_RATE_LIMITED, context.getClass()) || Reflect.getMetadata(AUTH_RATE_LIMITED, context.getHandler()));

/**
 * Cross-cutting HTTP behaviour every api instance has: the rate limits (per client IP), then the
 * refusal of query parameters a handler does not take (global guards run in this order, before
 * the route's own guards such as `@Authenticated()`).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [AppConfigService, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfigService, storage: ThrottlerStorage) => ({
        // In Redis when REDIS_URL is set (one budget across instances), else per instance (RateLimitStorageModule).
        storage,
        throttlers: [
          // Per route and client IP.
          { name: 'default', ttl: config.http.rateLimit.ttlMs, limit: config.http.rateLimit.max },
          {
            name: 'auth',
            ttl: config.http.authRateLimit.ttlMs,
            limit: config.http.authRateLimit.max,
            // Only the routes marked @AuthRateLimited() (every /v1/auth/* route)...
            skipIf: (context: ExecutionContext) => !isAuthRoute(context),
            // ...and one budget per client IP across all of them: 20 logins and then 20 registrations
            // do not both pass.
            generateKey: (_context: ExecutionContext, tracker: string, name: string) => `${name}-${tracker}`,
          },
        ],
      }),
    }),
  ],
  providers: [
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: UnknownQueryGuard },
  ],
})
export class CommonModule {}
