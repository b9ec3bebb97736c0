export * from './observability.module';
export * from './logging/logging.module';
export * from './logging/pino-options';
export * from './logging/request-id';
export * from './metrics/metrics.module';
export * from './metrics/http-metrics';
export * from './health/health.module';
export * from './health/lifecycle.service';
