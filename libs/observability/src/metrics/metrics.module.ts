import { Module, OnModuleInit } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetricsOnce } from './default-metrics';
import { httpMetricProviders } from './http-metrics';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus metrics on the default registry: process defaults, HTTP (here) and the metrics the
 * database and feature libs define next to their code. Exposed at GET /metrics by the api.
 * The libs' own metrics need no import of this module: prom-client's registry is the process's.
 */
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      // Collected below, once per process: a second app in the same process (tests) would
      // otherwise fail on duplicate registration.
      defaultMetrics: { enabled: false },
    }),
  ],
  providers: httpMetricProviders,
  exports: httpMetricProviders,
})
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    collectDefaultMetricsOnce();
  }
}
