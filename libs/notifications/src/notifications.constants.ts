/** Injection token of the port that tells whether and where a user is e-mailed (see NotificationContacts). */
export const NOTIFICATION_CONTACTS = Symbol('NOTIFICATION_CONTACTS');

/** Injection token of the SMTP settings (NotificationMailerOptions). */
export const NOTIFICATION_MAILER_OPTIONS = Symbol('NOTIFICATION_MAILER_OPTIONS');

/** Counter of e-mails that could not be sent (SMTP or contact lookup failures). */
export const NOTIFICATIONS_EMAIL_FAILURES = 'notifications_email_failures_total';

/** How to reach one user by e-mail, as the users lib knows it. */
export interface NotificationContact {
  email: string;
  name: string | null;
  /** The user's preference for this notification type (false: in-app only). */
  emailEnabled(type: string): boolean;
}

/**
 * The port the users lib implements: who a user is for e-mail purposes. Returns null when the
 * user cannot be e-mailed (gone, disabled, no address); the notification is then in-app only.
 */
export interface NotificationContacts {
  contactFor(userId: string): Promise<NotificationContact | null>;
}

export interface NotificationMailerOptions {
  /** smtp:// or smtps:// URL, credentials included; unset or empty: no e-mail is sent. */
  smtpUrl?: string;
  /** The From header of every notification e-mail, e.g. `Clearmark <no-reply@example.com>`. */
  from: string;
}
