import { applyDecorators, type CallHandler, type ExecutionContext, HttpCode, HttpStatus, Injectable, type NestInterceptor, SetMetadata, type Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiCreatedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

const LOCATION_TEMPLATE = 'clearmark:location-template';

/**
 * A POST that creates a resource: 201 with a `Location` header naming it. `location` is a path
 * template whose `{field}`s come from the answer's body (`/v1/copyrights/{id}`); the OpenAPI
 * document gets the response type and the header.
 */
export function Created(options: { type: Type<unknown>; description: string; location: string }): MethodDecorator {
  return applyDecorators(
    HttpCode(HttpStatus.CREATED),
    SetMetadata(LOCATION_TEMPLATE, options.location),
    ApiCreatedResponse({
      type: options.type,
      description: options.description,
      headers: { Location: { description: `The created resource (${options.location})`, schema: { type: 'string' } } },
    }),
  );
}

/** Sets the `Location` of a `@Created()` answer from its body. */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const template = this.reflector.get<string | undefined>(LOCATION_TEMPLATE, context.getHandler());
    if (!template) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const fields = (body ?? {}) as Record<string, unknown>;
        reply.header('location', template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(fields[name]))));
        return body;
      }),
    );
  }
}
