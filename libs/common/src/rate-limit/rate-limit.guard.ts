import { type ExecutionContext, Injectable } from '@nestjs/common';
import {
  ThrottlerGuard,
  type Resolvable,
  type ThrottlerGenerateKeyFunction,
  type ThrottlerGetTrackerFunction,
  type ThrottlerOptions,
} from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';

/** What one throttler means for one route, from the route's and its controller's metadata. */
interface RouteThrottle {
  throttler: ThrottlerOptions;
  skip: boolean;
  limit: Resolvable<number>;
  ttl: Resolvable<number>;
  /** Undefined: the ttl. */
  blockDuration: Resolvable<number> | undefined;
  getTracker: ThrottlerGetTrackerFunction;
  generateKey: ThrottlerGenerateKeyFunction;
}

type Target = object;

/**
 * @nestjs/throttler's guard with the same rules, cheaper per request: the library looks up six
 * metadata keys per throttler and awaits three option values on every request, and hashes each
 * storage key with SHA-256. The metadata of a route never changes, so it is read once per route;
 * values that are functions are still resolved per request; the in-memory store needs no hash
 * of its keys. Counting, headers, blocking and the 429 are the library's (handleRequest).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly routes = new WeakMap<Target, WeakMap<Target, RouteThrottle[]>>();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    for (const route of this.routeThrottles(context)) {
      const { throttler } = route;
      if (route.skip || (throttler.skipIf ?? this.commonOptions.skipIf)?.(context)) continue;
      // In the library's order; a plain number is used as it is, without an await.
      const limit = typeof route.limit === 'function' ? numberOption(await route.limit(context), 'limit', throttler.name) : numberOption(route.limit, 'limit', throttler.name);
      const ttl = typeof route.ttl === 'function' ? numberOption(await route.ttl(context), 'ttl', throttler.name) : numberOption(route.ttl, 'ttl', throttler.name);
      const blockDuration =
        route.blockDuration == null
          ? ttl
          : typeof route.blockDuration === 'function'
            ? numberOption(await route.blockDuration(context), 'blockDuration', throttler.name)
            : numberOption(route.blockDuration, 'blockDuration', throttler.name);
      await this.handleRequest({ context, limit, ttl, throttler, blockDuration, getTracker: route.getTracker, generateKey: route.generateKey });
    }
    return true;
  }

  /** The same key as the library's, unhashed: the store is an in-process map. */
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${name}-${suffix}`;
  }

  private routeThrottles(context: ExecutionContext): RouteThrottle[] {
    const handler = context.getHandler();
    const classRef = context.getClass();
    let byHandler = this.routes.get(classRef);
    if (!byHandler) this.routes.set(classRef, (byHandler = new WeakMap()));
    let throttles = byHandler.get(handler);
    if (!throttles) {
      const read = <T>(key: string, name: string): T | undefined => this.reflector.getAllAndOverride<T>(key + name, [handler, classRef]);
      throttles = this.throttlers.map((throttler) => {
        const name = throttler.name as string;
        return {
          throttler,
          skip: Boolean(read<boolean>(THROTTLER_SKIP, name)),
          limit: read<Resolvable<number>>(THROTTLER_LIMIT, name) ?? throttler.limit,
          ttl: read<Resolvable<number>>(THROTTLER_TTL, name) ?? throttler.ttl,
          blockDuration: read<Resolvable<number>>(THROTTLER_BLOCK_DURATION, name) ?? throttler.blockDuration,
          getTracker:
            read<ThrottlerGetTrackerFunction>(THROTTLER_TRACKER, name) ?? throttler.getTracker ?? (this.commonOptions.getTracker as ThrottlerGetTrackerFunction),
          generateKey:
            read<ThrottlerGenerateKeyFunction>(THROTTLER_KEY_GENERATOR, name) ??
            throttler.generateKey ??
            (this.commonOptions.generateKey as ThrottlerGenerateKeyFunction),
        };
      });
      byHandler.set(handler, throttles);
    }
    return throttles;
  }

}

/** As the library validates an option value. */
function numberOption(value: unknown, option: string, throttlerName: string | undefined): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new Error(`Invalid "${option}" for the "${throttlerName}" throttler: expected a number, got ${JSON.stringify(value)}.`);
  }
  return number;
}
