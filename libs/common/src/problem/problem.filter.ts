import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { classifyDatabaseError } from '@app/database';
import { RateLimitedException } from '../rate-limit/rate-limit.guard';
import { AppError } from './app-error';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem-details';

interface MappedProblem {
  body: ProblemDetails;
  headers?: Record<string, string>;
  /** Unexpected: log with the stack. */
  unexpected?: boolean;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  402: 'payment-required',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  410: 'gone',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  423: 'locked',
  429: 'rate-limited',
  500: 'internal-error',
  503: 'service-unavailable',
};

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function generic(status: number, detail?: string): ProblemDetails {
  return { type: problemType(CODE_BY_STATUS[status] ?? `http-${status}`), title: titleOf(status), status, ...(detail ? { detail } : {}) };
}

/** Errors Fastify raises itself (body parsing, media type, size): `FST_*` codes with a 4xx status. */
function isFastifyClientError(error: unknown): error is { statusCode: number; code: string; message: string } {
  const e = error as { statusCode?: unknown; code?: unknown };
  return (
    typeof e?.statusCode === 'number' &&
    e.statusCode >= 400 &&
    e.statusCode < 500 &&
    typeof e.code === 'string' &&
    e.code.startsWith('FST_')
  );
}

const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this endpoint accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body has a media type this endpoint does not accept; send application/json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but its content type says JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
};

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') return generic(status, response);
  const body = response as { message?: unknown; status?: unknown; details?: unknown };
  // @nestjs/terminus reports a failed health check this way: keep which checks failed.
  if ((body.status === 'error' || body.status === 'shutting_down') && typeof body.details === 'object') {
    return { ...generic(status, 'One or more readiness checks failed'), checks: body.details };
  }
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  let detail = typeof message === 'string' ? message : undefined;
  // "Unexpected token } in JSON at position 9" and friends come from Nest's mapping of body parse errors.
  if (status === 400 && detail && /JSON/.test(detail)) detail = `The request body is not valid JSON (${detail})`;
  return generic(status, detail);
}

/** Maps anything thrown into a problem; the single place where errors become HTTP answers. */
export function toProblem(exception: unknown): MappedProblem {
  if (exception instanceof AppError) {
    return {
      body: {
        type: problemType(exception.code),
        title: exception.title,
        status: exception.status,
        ...(exception.detail ? { detail: exception.detail } : {}),
        ...(exception.errors ? { errors: exception.errors } : {}),
        ...exception.extensions,
      },
      headers: exception.headers,
      unexpected: exception.status >= 500,
    };
  }
  if (exception instanceof RateLimitedException) {
    const retryAfter = String(exception.retryAfterS);
    return {
      body: { ...generic(429, `Too many requests; retry in ${retryAfter} s`), retryAfter: exception.retryAfterS },
      headers: { 'retry-after': retryAfter },
    };
  }
  if (exception instanceof ThrottlerException) {
    return { body: generic(429, 'Too many requests; retry after the time the Retry-After header gives') };
  }
  if (exception instanceof HttpException) {
    return { body: fromHttpException(exception), unexpected: exception.getStatus() >= 500 };
  }
  if (isFastifyClientError(exception)) {
    return { body: generic(exception.statusCode, FASTIFY_DETAILS[exception.code] ?? exception.message) };
  }
  switch (classifyDatabaseError(exception)) {
    case 'timeout':
      return {
        body: { ...generic(503, 'The database did not answer in time; retry shortly'), type: problemType('database-timeout') },
        headers: { 'retry-after': '1' },
      };
    case 'connection':
      return {
        body: { ...generic(503, 'The database is unavailable; retry shortly'), type: problemType('database-unavailable') },
        headers: { 'retry-after': '5' },
        unexpected: true,
      };
    case 'serialization':
      return { body: generic(503, 'A concurrent change got in the way; retry'), headers: { 'retry-after': '1' } };
    case 'constraint':
      return { body: generic(409, 'The change conflicts with the current state of the data'), unexpected: true };
    default:
      return {
        body: generic(HttpStatus.INTERNAL_SERVER_ERROR, 'An unexpected error occurred; quote the request id when reporting it'),
        unexpected: true,
      };
  }
}

/**
 * What of an error may be logged: its kind, message, SQLSTATE and stack. Never the SQL
 * parameters, the failing row or the constraint detail Sequelize and pg attach, which can hold
 * e-mail addresses, password hashes or tokens.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { parent?: { code?: unknown }; code?: unknown }).parent?.code ?? (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), stack: error.stack };
}

/**
 * Turns every error (Nest, Fastify, validation, database, anything else) into an
 * `application/problem+json` answer with the request id, and never lets a stack trace out.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { body, headers, unexpected } = toProblem(exception);
    const requestId = String(request.id ?? '');

    if (unexpected) {
      this.logger.error(
        { err: loggableError(exception), requestId, status: body.status },
        `${request.method} ${request.routeOptions?.url ?? 'unmatched'} failed`,
      );
    }
    if (reply.sent) return;

    const problem: ProblemDetails = { ...body, instance: (request.url ?? '').split('?')[0], requestId };
    reply.status(body.status);
    // A named throttler sets Retry-After-<name>; clients look for the plain header.
    if (body.status === 429 && !reply.getHeader('retry-after')) {
      const named = Object.entries(reply.getHeaders()).find(([name]) => name.toLowerCase().startsWith('retry-after-'));
      if (named) reply.header('retry-after', String(named[1]));
    }
    for (const [name, value] of Object.entries(headers ?? {})) reply.header(name, value);
    // 423 and 429 alike: the wait is in the Retry-After header and in the body's `retryAfter`.
    if ((body.status === 429 || body.status === 423) && problem.retryAfter === undefined) {
      const seconds = Number(reply.getHeader('retry-after'));
      if (Number.isInteger(seconds) && seconds > 0) problem.retryAfter = seconds;
    }
    reply.header('content-type', PROBLEM_CONTENT_TYPE);
    void reply.send(problem);
  }
}
