import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../problem/app-error';

export const UNKNOWN_QUERY_PARAMETER = 'is not an accepted query parameter';

/** Per handler: does it take a `@Query()` argument (then the validation pipe whitelists it)? */
const takesQuery = new WeakMap<object, boolean>();

function handlerTakesQuery(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let known = takesQuery.get(handler);
  if (known === undefined) {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
    known = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
    takesQuery.set(handler, known);
  }
  return known;
}

/**
 * Unknown query parameters get a 400 like unknown body fields. A handler that takes a `@Query()`
 * DTO already has them refused by the validation pipe (whitelist); this refuses any query on a
 * handler that takes none (`GET /v1/users/me?x=1`), instead of ignoring it silently.
 */
export function refuseUnknownQuery(context: ExecutionContext): void {
  if (context.getType() !== 'http') return;
  const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
  if (!query || typeof query !== 'object') return;
  const names = Object.keys(query);
  if (names.length > 0 && !handlerTakesQuery(context)) {
    throw new ValidationFailedError(names.map((field) => ({ field, message: UNKNOWN_QUERY_PARAMETER })));
  }
}
