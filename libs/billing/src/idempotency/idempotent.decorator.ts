import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** Accepts an Idempotency-Key on a mutating route (see IdempotencyInterceptor) and documents it. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Any unique string (a UUID): a retry with the same key and body replays the first response instead of acting twice; keys are per user and expire after 24 h',
      schema: { type: 'string', maxLength: 255 },
    }),
    ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used with a different request' }),
    ApiConflictResponse({ description: 'A request with this Idempotency-Key is still running, or the state does not allow the change' }),
  );
}
