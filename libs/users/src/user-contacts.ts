import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NotificationsService, type NotificationContact, type NotificationContacts } from '@app/notifications';
import { UsersRepository } from './users.repository';

/**
 * The users lib's side of the notifications port: an active user's address and whether they
 * want e-mail for a notification type. Reads the repository directly (not UsersService) so
 * that notifications -> contacts never loops back through sessions. Registers itself with
 * NotificationsService at init.
 */
@Injectable()
export class UserContacts implements NotificationContacts, OnModuleInit {
  constructor(
    private readonly users: UsersRepository,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    this.notifications.useContacts(this);
  }

  async contactFor(userId: string): Promise<NotificationContact | null> {
    const [user, preferences] = await Promise.all([this.users.findById(userId), this.users.getPreferences(userId)]);
    if (!user || user.status !== 'active') return null;
    const settings = preferences?.notifications ?? {};
    return {
      email: user.email,
      name: user.name,
      // On unless the user turned it off for this type, or for every type with "*".
      emailEnabled: (type) => settings[type]?.email ?? settings['*']?.email ?? true,
    };
  }
}
