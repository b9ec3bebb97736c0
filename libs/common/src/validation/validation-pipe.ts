import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../problem/problem-details';
import { ValidationFailedError } from '../problem/app-error';
import { controlCharacterErrors } from './control-characters';

function messagesOf(error: ValidationError): string[] {
  return Object.entries(error.constraints ?? {}).map(([constraint, message]) =>
    constraint === 'whitelistValidation' ? 'is not an accepted field' : message,
  );
}

/** Flattens class-validator's tree into `{ field: "a.b[0].c", message }`, one per field. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const messages = messagesOf(error);
    if (messages.length > 0) result.push({ field, message: messages.join('; ') });
    if (error.children?.length) result.push(...fieldErrors(error.children, field));
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
    return super.transform(value, metadata);
  }
}

/** The one validation setup: unknown fields refused, payloads transformed into their DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(fieldErrors(errors)),
  });
}
