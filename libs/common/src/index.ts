export * from './common.module';
export * from './problem/problem-details';
export * from './problem/app-error';
export * from './problem/problem.filter';
export * from './validation/validation-pipe';
export * from './http/fastify-adapter';
export * from './http/configure-http-app';
export * from './http/graceful-shutdown';
