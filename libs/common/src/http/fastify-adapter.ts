import type { NestApplicationOptions } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { requestIdOf } from '@app/observability';
import { answerRouterError, MAX_PARAM_LENGTH, pathOnlyUrl } from './router-errors';

/** Fastify as the design wants it: body limit, trusted proxies only, our request ids. */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdOf,
    // requestIdOf reads and validates X-Request-Id itself.
    requestIdHeader: false,
    // nestjs-pino logs requests; Fastify's own logger stays off.
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (bad percent-encoding, over-long parameters) as problem+json like the rest.
    frameworkErrors: answerRouterError,
    rewriteUrl: pathOnlyUrl,
  });
}

/**
 * Options for NestFactory.create / createNestApplication. `bodyParser: false` keeps Nest from
 * adding a form-urlencoded parser: the API speaks JSON only, anything else is a 415.
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };
