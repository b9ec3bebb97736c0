import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../problem/problem-details';
import { ValidationFailedError } from '../problem/app-error';

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

/** The one validation setup: unknown fields refused, payloads transformed into their DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(fieldErrors(errors)),
  });
}
