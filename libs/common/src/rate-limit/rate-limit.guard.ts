import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

/** A 429 that knows when the client may try again (seconds), for the header and the problem body. */
export class RateLimitedException extends ThrottlerException {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/**
 * @nestjs/throttler's guard, through its public extension points only: the counting, the
 * per-route overrides (@Throttle, @SkipThrottle), the skipIf options and the X-RateLimit headers
 * are the library's. Two things differ:
 * - the storage key is not hashed (the default store is an in-process map; a shared store such
 *   as Redis may hash in its own increment());
 * - the 429 carries how long the client must wait, so the problem filter can answer with both a
 *   `Retry-After` header and a `retryAfter` field.
 * A throttler may set its own `generateKey` (the auth throttler does, to share one budget across
 * every auth route).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${name}-${suffix}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const wait = detail.isBlocked ? detail.timeToBlockExpire : detail.timeToExpire;
    throw new RateLimitedException(await this.getErrorMessage(context, detail), Math.max(1, Math.ceil(wait)));
  }
}
