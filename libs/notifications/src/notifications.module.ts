import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';
import { NOTIFICATIONS_MODELS } from './notifications.models';
import { NotificationsController } from './notifications.controller';
import { notificationsProviders } from './notifications.providers';
import { NotificationsService } from './notifications.service';

/**
 * Notifications: the stored (in-app) notification, its e-mail delivery (SMTP settings from the
 * notifications config slice) and the /v1/notifications routes. A feature that notifies imports
 * this module. Recipients' addresses come from the users lib, which registers its
 * NotificationContacts with NotificationsService at init: this lib knows no users.
 */
@Module({
  imports: [SequelizeModule.forFeature(NOTIFICATIONS_MODELS)],
  controllers: [NotificationsController],
  providers: notificationsProviders({
    mailer: { useFactory: (config: NotificationsConfig) => config, inject: [NOTIFICATIONS_CONFIG.token] },
  }),
  exports: [NotificationsService],
})
export class NotificationsModule {}
