import { DynamicModule, Module } from '@nestjs/common';
import { BackupsModule } from '@app/backups';
import { BillingModule } from '@app/billing';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { JobsModule } from '@app/jobs';
import { LoggingModule, MetricsModule } from '@app/observability';
import { identityModules } from '@app/sessions';
import { TrademarksModule } from '@app/trademarks';
import { CopyrightsModule } from '@app/copyrights';
import { ALL_MODELS, CONFIG_SLICES } from '../../composition/src';

export interface WorkerModuleOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * The worker: the same libs as the api without HTTP routes; the process that runs the scheduled
 * jobs (SCHEDULER_ENABLED defaults to true here). Any number of workers and api instances may
 * run side by side: each tick runs once among them (see JobsService).
 */
@Module({})
export class WorkerModule {
  static register(options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot({ env: options.env, slices: CONFIG_SLICES }),
        DatabaseModule.forRoot({ applicationName: 'clearmark-worker', models: ALL_MODELS }),
        LoggingModule,
        MetricsModule,
        ...identityModules(),
        JobsModule.forRoot({ process: 'worker' }),
        BackupsModule,
        TrademarksModule.forRoot(),
        CopyrightsModule,
        // Billing's jobs: renewals, payment retries, Idempotency-Key expiry.
        BillingModule,
      ],
    };
  }
}
