import type {
  ClassProvider,
  ExistingProvider,
  FactoryProvider,
  ModuleMetadata,
  Provider,
  ValueProvider,
} from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { NotificationMailerService } from './notification-mailer.service';
import {
  NOTIFICATION_CONTACTS,
  NOTIFICATION_MAILER_OPTIONS,
  NOTIFICATIONS_EMAIL_FAILURES,
  type NotificationContacts,
  type NotificationMailerOptions,
} from './notifications.constants';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/** A provider without its token: `{ useValue }`, `{ useClass }`, `{ useExisting }` or `{ useFactory, inject }`. */
export type ProviderRecipe<T> =
  | Omit<ValueProvider<T>, 'provide'>
  | Omit<ClassProvider<T>, 'provide'>
  | Omit<ExistingProvider<T>, 'provide'>
  | Omit<FactoryProvider<T>, 'provide'>;

export interface NotificationsModuleOptions {
  /** Modules that export what `contacts` and `mailer` inject. */
  imports?: ModuleMetadata['imports'];
  /** A NotificationContacts implementation; without it, one must be registered (NotificationsService.useContacts). */
  contacts?: ProviderRecipe<NotificationContacts>;
  /** SMTP settings, e.g. `{ useFactory: (config) => ({ smtpUrl, from }), inject: [AppConfigService] }`. */
  mailer: ProviderRecipe<NotificationMailerOptions>;
}

/**
 * Everything NotificationsModule provides except its controller, so that the service and
 * repository can be assembled in tests (and HTTP-less apps) without the HTTP layer.
 */
export function notificationsProviders(options: Pick<NotificationsModuleOptions, 'contacts' | 'mailer'>): Provider[] {
  return [
    ...(options.contacts ? [{ provide: NOTIFICATION_CONTACTS, ...options.contacts } as Provider] : []),
    { provide: NOTIFICATION_MAILER_OPTIONS, ...options.mailer } as Provider,
    makeCounterProvider({
      name: NOTIFICATIONS_EMAIL_FAILURES,
      help: 'Notification e-mails that could not be sent (SMTP error or contact lookup failure); recorded on the notification.',
    }),
    NotificationsRepository,
    NotificationMailerService,
    NotificationsService,
  ];
}
