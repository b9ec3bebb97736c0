import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { REQUIRED_ROLES } from '../auth/access.guard';
import { refuseUnknownQuery } from './unknown-query';

export { UNKNOWN_QUERY_PARAMETER } from './unknown-query';

/**
 * Refuses query parameters a handler does not take (refuseUnknownQuery), as a global guard
 * after the rate limit. On an `@Authenticated()` route the AccessGuard does it instead, once the
 * caller is known, so that a request without a valid token gets its 401 (and a caller without
 * the role its 403) whatever its query says, as before.
 *
 * A guard, not an interceptor: it only looks at the request before the handler, and every
 * interceptor costs each request an `AsyncResource.bind` (NestJS's interceptor chain), which on
 * Node.js 20 builds two deprecation wrappers per call; with two global interceptors that was
 * about 10 % of the CPU of `GET /v1/users/me` (bench:identity profile).
 */
@Injectable()
export class UnknownQueryGuard implements CanActivate {
  private readonly authenticated = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (!this.isAuthenticatedRoute(context)) refuseUnknownQuery(context);
    return true;
  }

  private isAuthenticatedRoute(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.authenticated.get(handler);
    if (known === undefined) {
      known = Reflect.getMetadata(REQUIRED_ROLES, handler) !== undefined || Reflect.getMetadata(REQUIRED_ROLES, context.getClass()) !== undefined;
      this.authenticated.set(handler, known);
    }
    return known;
  }
}
