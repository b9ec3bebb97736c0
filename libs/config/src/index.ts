export * from './app-config';
export * from './app-config.service';
export * from './config.module';
export * from './config-slice';
export { ConfigValidationError, NODE_ENVS } from './environment';
export type { NodeEnv, LogLevel } from './environment';
export * from './read-environment';
