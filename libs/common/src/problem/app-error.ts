import type { FieldError } from './problem-details';

/**
 * One message style for every field error: the message starts by naming the field (its full
 * path) and says what is wanted: "email must be an e-mail address", "authors[0].name should not
 * be empty", "each value in classes must be an integer number".
 */
export function namingTheField(error: FieldError): FieldError {
  const { field, message } = error;
  if (message.startsWith(`${field} `) || message.startsWith(`each value in ${field} `)) return error;
  const property = field.split(/[.[\]]/).filter(Boolean).pop() ?? field;
  if (message.startsWith(`${property} `)) return { field, message: `${field} ${message.slice(property.length + 1)}` };
  if (message.startsWith(`each value in ${property} `)) return { field, message: `each value in ${field} ${message.slice(`each value in ${property} `.length)}` };
  return { field, message: `${field} ${message}` };
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extra members of the problem body (RFC 9457 extensions), e.g. `{ checks }`. */
  extensions?: Record<string, unknown>;
  /** Response headers the problem needs, e.g. Retry-After. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error a feature raises on purpose. Its code names the problem type and the status is the
 * HTTP answer; the global filter turns it into problem+json. Feature libs subclass it (or use
 * the helpers below) instead of throwing HTTP exceptions from services.
 */
export class AppError extends Error {
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.errors = options.errors?.map(namingTheField);
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

export class NotFoundError extends AppError {
  constructor(detail = 'The resource does not exist') {
    super('not-found', 404, 'Not Found', { detail });
  }
}

export class ConflictError extends AppError {
  constructor(detail: string) {
    super('conflict', 409, 'Conflict', { detail });
  }
}

export class ValidationFailedError extends AppError {
  constructor(errors: FieldError[], detail = 'The request has invalid fields') {
    super('validation-failed', 400, 'Validation Failed', { detail, errors });
  }
}
