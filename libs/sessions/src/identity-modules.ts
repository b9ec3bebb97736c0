import type { Type } from '@nestjs/common';
import { AuditingModule } from '@app/auditing';
import { NotificationsModule } from '@app/notifications';
import { UsersModule } from '@app/users';
import { SessionsModule } from './sessions.module';

/**
 * Users, sessions, notifications and the auditing they record into: every app that touches
 * accounts (api, worker, cli) imports this set. SessionsModule imports the others itself; they
 * are listed so that an app's module list shows every lib it runs.
 */
export function identityModules(): Array<Type<unknown>> {
  return [AuditingModule, NotificationsModule, UsersModule, SessionsModule];
}
