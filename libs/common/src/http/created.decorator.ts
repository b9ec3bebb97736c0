import { applyDecorators, type CallHandler, type ExecutionContext, HttpCode, HttpStatus, type NestInterceptor, type Type, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

/**
 * A POST that creates a resource: 201 with a `Location` header naming it. `location` is a path
 * template whose `{field}`s come from the answer's body (`/v1/copyrights/{id}`); the OpenAPI
 * document gets the response type and the header. The interceptor is the route's own, not a
 * global one: only these routes pay for it (see UnknownQueryGuard on the cost of interceptors).
 */
export function Created(options: { type: Type<unknown>; description: string; location: string }): MethodDecorator {
  return applyDecorators(
    HttpCode(HttpStatus.CREATED),
    UseInterceptors(new LocationInterceptor(options.location)),
    ApiCreatedResponse({
      type: options.type,
      description: options.description,
      headers: { Location: { description: `The created resource (${options.location})`, schema: { type: 'string' } } },
    }),
  );
}

/** Sets the `Location` of a `@Created()` answer from its body and the route's path template. */
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly template: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const fields = (body ?? {}) as Record<string, unknown>;
        reply.header('location', this.template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(fields[name]))));
        return body;
      }),
    );
  }
}
