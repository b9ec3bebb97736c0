import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** Probes and scrapes arrive every few seconds from every instance; their lines say nothing. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * One line per answered request ("request completed": request id, method, path without the
 * query string, which can carry tokens, route template, status, duration in ms, and the user
 * once the access guard has accepted the caller), at `error` for a 5xx and `info` otherwise.
 * A Fastify onResponse hook: pino-http ran as a Nest middleware through @fastify/middie and
 * built a child logger for every request even when its line was below the log level.
 * Headers are never logged.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (logger.isLevelEnabled(level)) logRequest(logger, level, request, reply);
    done();
  });
}

function logRequest(logger: Logger, level: 'error' | 'info', request: FastifyRequest, reply: FastifyReply): void {
  const path = pathOf(request.url);
  if (QUIET_PATHS.has(path)) return;
  const requestId = String(request.id);
  const userId = (request as FastifyRequest & { principal?: { userId?: string } }).principal?.userId;
  logger[level](
    {
      requestId,
      req: { id: requestId, method: request.method, path, route: request.routeOptions?.url ?? null },
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime),
      ...(userId ? { userId } : {}),
    },
    'request completed',
  );
}
