import type { LoggerOptions } from 'pino';
import type { ObservabilityConfig } from '@app/config';
import { RequestContext } from '../context/request-context';

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

/**
 * The options of every pino logger of the app (the Nest logger and the request log): level,
 * redaction, and the id of the request a line was written for, taken from the request context,
 * so that logs and responses (X-Request-Id, problem+json) agree.
 */
export function pinoOptions(config: ObservabilityConfig): LoggerOptions {
  return {
    level: config.logLevel,
    // pino runs the transport in a worker thread that loads it by path: resolved here, from this
    // package's dependencies, not from wherever the worker thread would look.
    ...(config.logPretty
      ? { transport: { target: require.resolve('pino-pretty'), options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: requestIdMixin,
  };
}

/** pino merges each line's fields into the object returned, so it must be a new one. */
function requestIdMixin(): object {
  const context = RequestContext.current();
  return context ? { requestId: context.requestId } : {};
}
