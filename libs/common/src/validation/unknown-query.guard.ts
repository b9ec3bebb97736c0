import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../problem/app-error';

export const UNKNOWN_QUERY_PARAMETER = 'is not an accepted query parameter';

/**
 * Unknown query parameters get a 400 like unknown body fields. A handler that takes a `@Query()`
 * DTO already has them refused by the validation pipe (whitelist); this refuses any query on a
 * handler that takes none (`GET /v1/users/me?x=1`), instead of ignoring it silently.
 *
 * A guard, not an interceptor: it only looks at the request before the handler, and every
 * interceptor costs each request an `AsyncResource.bind` (NestJS's interceptor chain), which on
 * Node.js 20 builds two deprecation wrappers per call; with two global interceptors that was
 * about 10 % of the CPU of `GET /v1/users/me` (bench:identity profile). Registered after the
 * rate limit (an unknown query still counts against the client's budget).
 */
@Injectable()
export class UnknownQueryGuard implements CanActivate {
  private readonly takesQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return true;
    const names = Object.keys(query);
    if (names.length > 0 && !this.handlerTakesQuery(context)) {
      throw new ValidationFailedError(names.map((field) => ({ field, message: UNKNOWN_QUERY_PARAMETER })));
    }
    return true;
  }

  private handlerTakesQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.takesQuery.get(handler);
    if (known === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      known = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      this.takesQuery.set(handler, known);
    }
    return known;
  }
}
