export * from './redis.config';
export * from './shared-state.metrics';
export * from './shared-state.service';
export * from './shared-state.module';
