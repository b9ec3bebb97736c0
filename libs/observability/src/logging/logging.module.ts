import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { AppConfigService } from '@app/config';
import { pinoOptions } from './pino-options';
import { logRequests } from './request-log';

/** Hooks the request log (one line per request) into the HTTP server, if the app has one. */
@Injectable()
export class RequestLogHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter || adapter.getType() !== 'fastify') return;
    logRequests(adapter.getInstance<FastifyInstance>(), this.logger.logger);
  }
}

/**
 * Structured JSON logs through nestjs-pino (pretty in development), one request id per line.
 * nestjs-pino serves as the Nest logger only: its per-request pino-http middleware is not
 * mounted (`forRoutes: []`); RequestLogHook writes the request lines, and the request id comes
 * from the request context (pinoOptions' mixin).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({ pinoHttp: pinoOptions(config.observability), forRoutes: [] }),
    }),
  ],
  providers: [RequestLogHook],
})
export class LoggingModule {}
