import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { NotFoundError } from '@app/common';
import { describeEmailFailure } from './describe-email-failure.util';
import { NotificationMailerService } from './notification-mailer.service';
import {
  NOTIFICATION_CONTACTS,
  NOTIFICATIONS_EMAIL_FAILURES,
  type NotificationContacts,
} from './notifications.constants';
import { NotificationsRepository } from './notifications.repository';
import type {
  NotificationListQuery,
  NotificationMessage,
  NotificationPage,
  NotificationRecord,
  NotifyOptions,
} from './notifications.types';

/** How long the shutdown waits for e-mails already being sent before it lets the pool close. */
const SHUTDOWN_WAIT_MS = 10_000;

/**
 * Notifies users: every notification is stored (the in-app channel) and, when SMTP is
 * configured and the user wants this type by e-mail, also mailed. E-mail goes out after the
 * row is committed and off the caller's path; its outcome is recorded on the row.
 */
@Injectable()
export class NotificationsService implements OnModuleDestroy {
  private readonly logger = new Logger(NotificationsService.name);
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly mailer: NotificationMailerService,
    @InjectMetric(NOTIFICATIONS_EMAIL_FAILURES) private readonly emailFailures: Counter<string>,
    // A test may provide the contacts directly; in the apps the users lib registers them.
    @Optional() @Inject(NOTIFICATION_CONTACTS) private contacts?: NotificationContacts,
  ) {}

  /**
   * Where recipients' addresses and e-mail preferences come from: the users lib registers its
   * UserContacts here at init (it imports this module; this lib knows no users).
   */
  useContacts(contacts: NotificationContacts): void {
    this.contacts = contacts;
  }

  /**
   * Stores a notification for the user and starts its e-mail delivery. Resolves with the stored
   * row as soon as it is written; the e-mail never delays or fails the caller. With a
   * transaction, the row joins it and the e-mail starts only once it commits (a rollback
   * leaves neither). Rejects only when the row cannot be written.
   */
  async notify(userId: string, message: NotificationMessage, options: NotifyOptions = {}): Promise<NotificationRecord> {
    const notification = await this.repository.create(
      {
        userId,
        type: message.type,
        title: message.title,
        body: message.body,
        data: message.data ?? {},
        deliveredChannels: ['in-app'],
      },
      options.transaction,
    );
    if (options.transaction) {
      // Sequelize awaits afterCommit hooks inside commit(): start the delivery, never await it here.
      options.transaction.afterCommit(() => this.startEmailDelivery(notification));
    } else {
      this.startEmailDelivery(notification);
    }
    return notification;
  }

  /** The user's notifications, newest first; throws a 400 for a cursor this API did not issue. */
  list(userId: string, query: NotificationListQuery = {}): Promise<NotificationPage> {
    return this.repository.listForUser(userId, query);
  }

  /** Throws NotFoundError when the user has no such notification (another user's id included). */
  async markRead(userId: string, notificationId: string): Promise<void> {
    const found = await this.repository.markRead(userId, notificationId);
    if (!found) throw new NotFoundError('The notification does not exist');
  }

  /** Returns how many notifications were unread. */
  markAllRead(userId: string): Promise<number> {
    return this.repository.markAllRead(userId);
  }

  /** Resolves once every e-mail delivery started so far has finished (sent or failed and recorded). */
  async settleDeliveries(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  async onModuleDestroy(): Promise<void> {
    // Deliveries record their outcome in the database: let them finish before the pool closes.
    if (this.deliveries.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      timer.unref();
    });
    await Promise.race([this.settleDeliveries(), timeout]);
    clearTimeout(timer);
    if (this.deliveries.size > 0) this.logger.warn(`${this.deliveries.size} notification e-mail(s) still in flight at shutdown`);
  }

  private startEmailDelivery(notification: NotificationRecord): void {
    if (!this.mailer.isConfigured) return;
    const delivery: Promise<void> = this.deliverByEmail(notification).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Never rejects: every failure is counted, logged (without the address) and recorded. */
  private async deliverByEmail(notification: NotificationRecord): Promise<void> {
    try {
      if (!this.contacts) throw new Error('no NotificationContacts registered (the users lib registers them at init)');
      const contact = await this.contacts.contactFor(notification.userId);
      if (!contact || !contact.emailEnabled(notification.type)) return;
      await this.mailer.send({
        to: { address: contact.email, name: contact.name },
        subject: notification.title,
        text: notification.body,
      });
    } catch (error) {
      const reason = describeEmailFailure(error);
      this.emailFailures.inc();
      this.logger.warn(
        { notificationId: notification.id, userId: notification.userId, type: notification.type, reason },
        'Notification e-mail could not be sent',
      );
      await this.recordDelivery(notification, notification.deliveredChannels, reason);
      return;
    }
    await this.recordDelivery(notification, [...notification.deliveredChannels, 'email'], null);
  }

  private async recordDelivery(
    notification: NotificationRecord,
    channels: NotificationRecord['deliveredChannels'],
    emailError: string | null,
  ): Promise<void> {
    try {
      await this.repository.recordDelivery(notification.id, channels, emailError);
    } catch (error) {
      this.logger.error(
        { notificationId: notification.id, err: error },
        'Could not record the e-mail delivery outcome of a notification',
      );
    }
  }
}
