import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ValidationFailedError } from '../problem/app-error';

export const UNKNOWN_QUERY_PARAMETER = 'is not an accepted query parameter';

/**
 * Unknown query parameters get a 400 like unknown body fields. A handler that takes a `@Query()`
 * DTO already has them refused by the validation pipe (whitelist); this refuses any query on a
 * handler that takes none (`GET /v1/users/me?x=1`), instead of ignoring it silently.
 */
@Injectable()
export class UnknownQueryInterceptor implements NestInterceptor {
  private readonly takesQuery = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
      const names = query && typeof query === 'object' ? Object.keys(query) : [];
      if (names.length > 0 && !this.handlerTakesQuery(context)) {
        throw new ValidationFailedError(names.map((field) => ({ field, message: UNKNOWN_QUERY_PARAMETER })));
      }
    }
    return next.handle();
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
