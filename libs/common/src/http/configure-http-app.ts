import multipart from '@fastify/multipart';
import { VersioningType } from '@nestjs/common';
import { RouteConfig, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Logger } from 'nestjs-pino';
import type { Counter, Histogram } from 'prom-client';
import { AppConfigService } from '@app/config';
import { HTTP_REQUEST_DURATION, HTTP_REQUESTS_SHED, HTTP_REQUESTS_TOTAL, instrumentHttp, LifecycleService, REQUEST_ID_HEADER, RequestContext } from '@app/observability';
import { createOpenApiDocument } from '../openapi/openapi-document';
import { ProblemDetailsFilter } from '../problem/problem.filter';
import { createValidationPipe } from '../validation/validation-pipe';
import { DatabasePool } from '@app/database';
import { useJsonBodyParser } from './json-body-parser';
import { useLoadShedding } from './load-shedding';
import { API_SECURITY_HEADERS, useSecurityHeaders } from './security-headers';

/**
 * Marks a route that reads multipart/form-data itself (`request.file()`); every other route
 * answers a multipart body with 415 like any other non-JSON body.
 */
export const AcceptsMultipart = (): MethodDecorator => RouteConfig({ multipart: true });

function acceptsMultipart(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { multipart?: unknown } | undefined)?.multipart === true;
}

/** Fastify's own code for a body type a route does not take: the problem filter answers it as 415 problem+json. */
class MultipartNotAcceptedError extends Error {
  readonly statusCode = 415;
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
  constructor() {
    super('multipart/form-data is not accepted here');
  }
}

/**
 * Everything an HTTP app needs before it listens: logger, /v1 URI versioning, helmet, CORS,
 * validation, the problem+json filter, request ids, HTTP metrics and the OpenAPI document.
 * Used by apps/api and by the e2e helper, so tests run exactly the production stack.
 */
export async function configureHttpApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get(AppConfigService);
  app.useLogger(app.get(Logger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: Fastify's built-in text/plain parser would let plain text reach the handlers.
  fastify.removeContentTypeParser('text/plain');
  useJsonBodyParser(fastify);
  // multipart/form-data for file uploads: nothing is parsed until a handler asks for the file
  // (request.file()), and handlers set their own size limits; bodies stay JSON everywhere else.
  await app.register(multipart as never, { limits: { files: 1, fields: 10, parts: 12 } });
  // Callback-style: an async hook costs every request a promise.
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(request.isMultipart() && !acceptsMultipart(request) ? new MultipartNotAcceptedError() : undefined);
  });
  const lifecycle = app.get(LifecycleService);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    const userAgent = request.headers['user-agent'];
    // Everything after this hook (guards, handlers, services) runs inside the request's context.
    RequestContext.run(
      { requestId: request.id, ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null, audit: {} },
      done,
    );
  });
  // While draining, every answer tells keep-alive clients to reconnect (to another instance):
  // otherwise a connection that falls idle after its in-flight request holds the close open.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (lifecycle.isShuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
  instrumentHttp(
    fastify,
    app.get<Histogram<string>>(getToken(HTTP_REQUEST_DURATION)),
    app.get<Counter<string>>(getToken(HTTP_REQUESTS_TOTAL)),
  );

  useSecurityHeaders(fastify, API_SECURITY_HEADERS);
  // After the request id and the security headers: a shed request carries both.
  const pool = app.get(DatabasePool);
  await useLoadShedding(fastify, {
    ...config.http.loadShedding,
    dbQueueLength: () => pool.waiting(),
    shed: app.get<Counter<string>>(getToken(HTTP_REQUESTS_SHED)),
  });
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    // Every method a route of the API uses (the default lacks PUT, PATCH and DELETE in preflights).
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(createValidationPipe());
  // No global interceptors: each one costs every request an AsyncResource.bind (see UnknownQueryGuard).
  app.useGlobalFilters(new ProblemDetailsFilter());

  if (config.http.docsEnabled) {
    const document = createOpenApiDocument(
      app,
      'Trademark clearance, watches, copyright works and billing. Errors are application/problem+json (RFC 9457) with a requestId; see the README, section API, for the conventions every operation follows.',
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
  }
}
