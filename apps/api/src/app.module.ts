import { DynamicModule, Module } from '@nestjs/common';
import { CommonModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { BackupsModule } from '@app/backups';
import { BillingModule } from '@app/billing';
import { DatabaseModule } from '@app/database';
import { JobsModule } from '@app/jobs';
import { ObservabilityModule } from '@app/observability';
import { SharedStateModule } from '@app/redis';
import { identityModules } from '@app/sessions';
import { RecommendationsModule } from '@app/recommendations';
import { TrademarksModule } from '@app/trademarks';
import { CopyrightsModule } from '@app/copyrights';
import { ALL_MODELS, CONFIG_SLICES } from '../../composition/src';

export interface AppModuleOptions {
  /** The environment to configure from; process.env by default (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/** The HTTP API: composes the libs, nothing else. */
@Module({})
export class AppModule {
  static register(options: AppModuleOptions = {}): DynamicModule {
    // Loads the sample registry into an empty database on start (SEED_DEMO_DATA only). The same
    // module object goes to recommendations, which reads its searches and creates its watches.
    // Billing provides the search quota (SearchQuota) the trademark search takes a unit of.
    const trademarks = TrademarksModule.forRoot({ loadSampleRegistry: true, imports: [BillingModule] });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ env: options.env, slices: CONFIG_SLICES }),
        DatabaseModule.forRoot({ applicationName: 'clearmark-api', models: ALL_MODELS }),
        // Readiness also reports the last backup and the shared state (Redis): the backups and redis
        // libs' reporters, composed here.
        ObservabilityModule.forRoot({ health: { imports: [BackupsModule, SharedStateModule] } }),
        CommonModule,
        ...identityModules(),
        // Runs scheduled jobs only where SCHEDULER_ENABLED says so (by default: in development).
        JobsModule.forRoot({ process: 'api' }),
        BackupsModule,
        trademarks,
        BillingModule,
        RecommendationsModule.register({ trademarks }),
        CopyrightsModule,
      ],
    };
  }
}
