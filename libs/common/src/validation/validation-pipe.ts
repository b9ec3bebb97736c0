import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../problem/problem-details';
import { ValidationFailedError } from '../problem/app-error';
import { controlCharacterErrors } from './control-characters';
import { UNKNOWN_QUERY_PARAMETER } from './unknown-query';

/**
 * What a field lacks first: its presence and type, before any rule about its value or items
 * (a missing array field says "must be an array", not also "must not repeat a value").
 */
const FIRST_CONSTRAINTS = ['whitelistValidation', 'isDefined', 'isArray', 'isObject', 'isString', 'isBoolean', 'isInt', 'isNumber', 'isNotEmpty'];

/** One message per field: the most basic of the constraints it fails. */
function messageOf(error: ValidationError, location: 'body' | 'query' | 'param'): string | undefined {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) return undefined;
  const rank = (name: string) => (FIRST_CONSTRAINTS.includes(name) ? FIRST_CONSTRAINTS.indexOf(name) : FIRST_CONSTRAINTS.length);
  const [constraint, message] = constraints.reduce((best, next) => (rank(next[0]) < rank(best[0]) ? next : best));
  if (constraint === 'whitelistValidation') return location === 'query' ? UNKNOWN_QUERY_PARAMETER : 'is not an accepted field';
  return message;
}

/** Flattens class-validator's tree into `{ field: "a.b[0].c", message }`, one message per field. */
export function fieldErrors(errors: ValidationError[], parent = '', location: 'body' | 'query' | 'param' = 'body'): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const message = messageOf(error, location);
    if (message !== undefined) result.push({ field, message });
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
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A custom parameter decorator's value (@CurrentUser()) comes from the server, not the client:
    // nothing to check, and no async call per authenticated request for it.
    if (metadata.type === 'custom') return Promise.resolve(value);
    return this.check(value, metadata);
  }

  private async check(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
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
    exceptionFactory: (errors) => new ClassValidatorErrors(errors),
  });
}
