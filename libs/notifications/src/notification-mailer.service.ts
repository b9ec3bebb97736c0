import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { NOTIFICATION_MAILER_OPTIONS, type NotificationMailerOptions } from './notifications.constants';

export interface NotificationEmail {
  to: { address: string; name: string | null };
  subject: string;
  text: string;
}

/**
 * SMTP behind a small port, so that the delivery rules are tested without a mail server.
 * Settings are checked at boot (a typo in SMTP_URL fails the start, not the first send); the
 * URL is never logged, since it carries the SMTP credentials.
 */
@Injectable()
export class NotificationMailerService implements OnApplicationShutdown {
  private readonly transport: Transporter | null;
  private readonly from: string;

  constructor(@Inject(NOTIFICATION_MAILER_OPTIONS) options: NotificationMailerOptions) {
    const smtpUrl = options.smtpUrl?.trim();
    this.from = options.from?.trim() ?? '';
    if (!smtpUrl) {
      this.transport = null;
      return;
    }
    if (!/^smtps?:\/\/[^/\s]/i.test(smtpUrl)) {
      throw new Error('SMTP_URL must be an smtp:// or smtps:// URL (e.g. smtp://user:pass@mail.example.com:587)');
    }
    if (!this.from) throw new Error('SMTP_FROM must be set when SMTP_URL is set (e.g. "Clearmark <no-reply@example.com>")');
    // Bounded waits: a stalled server must not keep deliveries (and the shutdown) hanging for minutes.
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /** False when SMTP_URL is unset: notifications are then in-app only. */
  get isConfigured(): boolean {
    return this.transport !== null;
  }

  /** Resolves once the SMTP server accepted the message; rejects with nodemailer's error otherwise. */
  async send(email: NotificationEmail): Promise<void> {
    if (!this.transport) throw new Error('SMTP is not configured');
    await this.transport.sendMail({
      from: this.from,
      to: { address: email.to.address, name: email.to.name ?? '' },
      // Header values are one line; a title with line breaks must not break the header.
      subject: email.subject.replace(/[\r\n]+/g, ' '),
      text: email.text,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
