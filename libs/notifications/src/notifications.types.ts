import type { DbTransaction } from '@app/database';

export type NotificationChannel = 'in-app' | 'email';

/** A stored notification as the lib hands it out (a plain object, never a model instance). */
export interface NotificationRecord {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: Date | null;
  /** Where it has reached the user: always `in-app`; `email` once the SMTP server accepted it. */
  deliveredChannels: NotificationChannel[];
  /** Why the e-mail could not be sent (never contains the address); null when it was or was not due. */
  emailError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a feature sends: `type` is a stable key (e.g. `copyright.transferred`) users opt out of by. */
export interface NotificationMessage {
  type: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
}

export interface NotifyOptions {
  /**
   * The caller's transaction: the row is written in it, and the e-mail goes out only after it
   * commits (never for a rolled-back change).
   */
  transaction?: DbTransaction;
}

export interface NotificationListQuery {
  /** 1 to 100; 20 when absent. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** true: unread only; false or absent: all. */
  unread?: boolean;
}

export interface NotificationPage {
  data: NotificationRecord[];
  nextCursor: string | null;
}
