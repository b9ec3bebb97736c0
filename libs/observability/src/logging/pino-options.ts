import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { ObservabilityConfig } from '@app/config';
import { requestIdOf } from './request-id';

/** Never written to a log line, wherever they appear in a request or response. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-metrics-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
];

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0];
}

export function pinoHttpOptions(config: ObservabilityConfig): Options {
  return {
    level: config.logLevel,
    ...(config.logPretty
      ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Fastify assigns the id (see request-id.ts); pino reuses it, so logs and responses agree.
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(pathOf((req as { originalUrl?: string }).originalUrl ?? req.url)) },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : 'info',
    serializers: {
      // The query string can carry tokens: log the path only.
      req: (req: { id?: string; method?: string; url?: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOf(req.url),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
