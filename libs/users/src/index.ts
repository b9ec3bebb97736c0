export * from './users.module';
export * from './users.service';
export * from './users.errors';
export * from './session-terminator';
export * from './password-policy';
export type { NotificationChannelSettings } from './models/user-preference.model';
export * from './user-contacts';
export * from './users.models';
export * from './users.config';
