import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule, MetricsModule } from '@app/observability';

export interface WorkerModuleOptions {
  env?: NodeJS.ProcessEnv;
}

/** The worker: the same libs as the api without HTTP routes; runs the scheduled jobs. */
@Module({})
export class WorkerModule {
  static register(options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot({ env: options.env }),
        DatabaseModule.forRoot({ applicationName: 'clearmark-worker' }),
        LoggingModule,
        MetricsModule,
      ],
    };
  }
}
