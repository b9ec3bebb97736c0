import type { DynamicModule, Type } from '@nestjs/common';
import { AuditingModule } from '@app/auditing';
import { NOTIFICATIONS_CONFIG, NotificationsModule, type NotificationsConfig } from '@app/notifications';
import { UserContacts, UsersModule } from '@app/users';
import { SessionsModule } from './sessions.module';

/**
 * Users, sessions, notifications and the auditing they record into, wired together: every app
 * that touches accounts (api, worker, cli) imports exactly this set, so the wiring exists once.
 */
export function identityModules(): Array<Type<unknown> | DynamicModule> {
  return [
    AuditingModule,
    UsersModule,
    SessionsModule,
    NotificationsModule.forRoot({
      contacts: { useExisting: UserContacts },
      mailer: { useFactory: (config: NotificationsConfig) => config, inject: [NOTIFICATIONS_CONFIG.token] },
    }),
  ];
}
