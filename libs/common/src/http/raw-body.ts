import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** A request whose route asked for its body as sent (see KeepRawBody). */
export type RawBodyRequest = FastifyRequest & { rawBody?: string };

/** Whether the route of `request` keeps its raw body (route config `rawBody: true`). */
export function keepsRawBody(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { rawBody?: unknown } | undefined)?.rawBody === true;
}

/**
 * Keeps the JSON body of this route exactly as sent (`request.rawBody`, next to the parsed
 * body), for signature checks over the bytes (webhooks). Only the routes that ask pay for it.
 */
export const KeepRawBody = (): MethodDecorator => RouteConfig({ rawBody: true });

/** The body as sent, on a route marked with KeepRawBody; an empty string when there was none. */
export const RawBody = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<RawBodyRequest>().rawBody ?? '';
});
