import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../problem/problem-details';
import { ValidationFailedError } from '../problem/app-error';
import { controlCharacterErrors } from './control-characters';
import { UNKNOWN_QUERY_PARAMETER } from './unknown-query.interceptor';

function messagesOf(error: ValidationError, location: 'body' | 'query' | 'param'): string[] {
  return Object.entries(error.constraints ?? {}).map(([constraint, message]) =>
    constraint === 'whitelistValidation' ? (location === 'query' ? UNKNOWN_QUERY_PARAMETER : 'is not an accepted field') : message,
  );
}

/** Flattens class-validator's tree into `{ field: "a.b[0].c", message }`, one per field. */
export function fieldErrors(errors: ValidationError[], parent = '', location: 'body' | 'query' | 'param' = 'body'): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const messages = messagesOf(error, location);
    if (messages.length > 0) result.push({ field, message: messages.join('; ') });
    if (error.children?.length) result.push(...fieldErrors(error.children, field, location));
  }
  return result;
}

/**
 * The global pipe: refuses C0 control characters in every string of a body, query or path
 * parameter (NUL cannot be stored in PostgreSQL text) before class-validator runs, so every
 * text field of every lib gets the rule without a decorator.
 */
export class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const errors = controlCharacterErrors(value, metadata.data ?? '');
      if (errors.length > 0) throw new ValidationFailedError(errors);
    }
    // A DTO body must be an object: `null` (valid JSON) used to reach class-validator and a 500.
    if (metadata.type === 'body' && value !== undefined && this.toValidate(metadata) && (value === null || typeof value !== 'object')) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ClassValidatorErrors) {
        const location = metadata.type === 'query' || metadata.type === 'param' ? metadata.type : 'body';
        throw new ValidationFailedError(fieldErrors(error.errors, '', location));
      }
      throw error;
    }
  }
}

/** class-validator's errors on their way from the exception factory to transform(), which knows where they were. */
class ClassValidatorErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/** The one validation setup: unknown fields (and query parameters) refused, payloads transformed into their DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    // One message per field: the first constraint that fails (a missing array field says
    // "must be an array", not every rule about its items as well).
    stopAtFirstError: true,
    exceptionFactory: (errors) => new ClassValidatorErrors(errors),
  });
}
