import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A client-supplied id is kept only when it is short and made of safe characters. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The request id: the client's X-Request-Id when valid, otherwise a new UUID. Stored on the
 * raw request so Fastify, pino and the problem filter all read the same value.
 */
export function requestIdOf(req: IncomingMessage): string {
  const holder = req as IncomingMessage & { id?: unknown };
  if (typeof holder.id === 'string') return holder.id;
  const header = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && VALID_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  holder.id = id;
  return id;
}
