import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigService } from '@app/config';
import { pinoHttpOptions } from './pino-options';

/** Structured JSON logs through nestjs-pino (pretty in development), one request id per line. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({ pinoHttp: pinoHttpOptions(config.observability) }),
    }),
  ],
})
export class LoggingModule {}
