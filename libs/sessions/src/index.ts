export * from './sessions.module';
export * from './sessions.service';
export * from './auth.service';
// The guard and decorators live in @app/common (so every lib can use them); re-exported here
// because this is where a reader looks for "auth".
export { Authenticated, CurrentUser, type Principal } from '@app/common';
export * from './identity-modules';
export * from './sessions.models';
export * from './sessions.config';
export * from './access-token.strategy';
