import { DynamicModule, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { NOTIFICATIONS_MODELS } from './notifications.models';
import { NotificationsController } from './notifications.controller';
import { notificationsProviders, type NotificationsModuleOptions } from './notifications.providers';
import { NotificationsService } from './notifications.service';

/**
 * Notifications: the stored (in-app) notification, its e-mail delivery and the /v1/notifications
 * routes. Registered once by the app with `forRoot`; global, so that any feature injects
 * NotificationsService without importing this module (the users lib, which implements
 * NOTIFICATION_CONTACTS, can then notify too without an import cycle).
 */
@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationsModuleOptions): DynamicModule {
    return {
      module: NotificationsModule,
      global: true,
      imports: [SequelizeModule.forFeature(NOTIFICATIONS_MODELS), ...(options.imports ?? [])],
      controllers: [NotificationsController],
      providers: notificationsProviders(options),
      exports: [NotificationsService],
    };
  }
}
