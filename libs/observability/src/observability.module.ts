import { Module } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

/** Logs, metrics and health for any app (api, worker, cli). */
@Module({
  imports: [LoggingModule, MetricsModule, HealthModule],
  exports: [LoggingModule, MetricsModule, HealthModule],
})
export class ObservabilityModule {}
