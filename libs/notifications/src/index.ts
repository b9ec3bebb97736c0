export * from './notifications.module';
export * from './notifications.service';
export * from './notifications.constants';
export * from './notifications.types';
export type { NotificationsModuleOptions, ProviderRecipe } from './notifications.providers';
export * from './notifications.models';
export * from './notifications.config';
