import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule, type HealthModuleOptions } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

export interface ObservabilityModuleOptions {
  health?: HealthModuleOptions;
}

/** Logs, metrics and health for an HTTP app (the worker and cli take LoggingModule and MetricsModule alone). */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions = {}): DynamicModule {
    const health = HealthModule.forRoot(options.health);
    return {
      module: ObservabilityModule,
      imports: [LoggingModule, MetricsModule, health],
      exports: [LoggingModule, MetricsModule, health],
    };
  }
}
