import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { REQUEST_ID_HEADER } from '@app/observability';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from '../problem/problem-details';
import { API_SECURITY_HEADERS, securityHeaders } from './security-headers';

/** Longest path parameter the router accepts; longer ones get 414 (ids, slugs and cursors are far shorter). */
export const MAX_PARAM_LENGTH = 256;

const ROUTER_PROBLEMS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'bad-url', detail: 'The request path is not valid percent-encoding' },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri-too-long',
    detail: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
  },
};

let headers: Readonly<Record<string, string>> | undefined;

/**
 * Fastify's `frameworkErrors`: the errors its router raises before any hook runs (bad
 * percent-encoding, an over-long path parameter) as the same problem+json every other error
 * gets, with the request id and the security headers, and without echoing the URL.
 */
export function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = ROUTER_PROBLEMS[error.code];
  const status = known?.status ?? 500;
  const body: ProblemDetails = {
    type: problemType(known?.code ?? 'internal-error'),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: known?.detail ?? 'An unexpected error occurred; quote the request id when reporting it',
    requestId: String(request.id),
  };
  headers ??= securityHeaders(API_SECURITY_HEADERS);
  void reply
    .code(status)
    .headers(headers)
    .header(REQUEST_ID_HEADER, String(request.id))
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(body);
}

/**
 * Fastify's `rewriteUrl`: an absolute-form request target (`GET http://evil.test/v1/x`, RFC 9112
 * 3.2.2) is routed, logged and reported by its path and query only, so a foreign host never
 * reaches the request log or a problem's `instance`.
 */
export function pathOnlyUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (url.startsWith('/')) return url;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(url);
  if (!absolute) return url;
  const rest = absolute[1] ?? '';
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  // Also what Fastify keeps as the original URL, which request serializers prefer.
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = path;
  return path;
}
