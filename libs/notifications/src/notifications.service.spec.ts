import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { NotFoundError } from '@app/common';
import type { DbTransaction } from '@app/database';
import { NotificationMailerService, type NotificationEmail } from './notification-mailer.service';
import {
  NOTIFICATION_CONTACTS,
  NOTIFICATIONS_EMAIL_FAILURES,
  type NotificationContact,
  type NotificationContacts,
} from './notifications.constants';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import type { NotificationChannel, NotificationRecord } from './notifications.types';

const USER = '0b6d1e0c-2f4c-4c53-9d59-6f0e1d7c9a11';
const ADDRESS = 'ada@example.com';

function stored(overrides: Partial<NotificationRecord> = {}): NotificationRecord {
  const now = new Date('2026-11-25T10:00:00.000Z');
  return {
    id: '7f9d2a3e-5b1c-4e8f-a6d0-1c2b3a4d5e6f',
    userId: USER,
    type: 'copyright.transferred',
    title: 'A work was transferred to you',
    body: 'Ownership of "Song" is now yours.',
    data: {},
    readAt: null,
    deliveredChannels: ['in-app'],
    emailError: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('NotificationsService', () => {
  let service: NotificationsService;
  let repository: jest.Mocked<Pick<NotificationsRepository, 'create' | 'listForUser' | 'markRead' | 'markAllRead' | 'recordDelivery'>>;
  let mailer: { isConfigured: boolean; send: jest.Mock<Promise<void>, [NotificationEmail]> };
  let contact: NotificationContact | null;
  let contacts: { contactFor: jest.Mock<Promise<NotificationContact | null>, [string]> };
  let failures: Counter<string>;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(async () => {
    repository = {
      create: jest.fn(async (input) => stored({ ...input, deliveredChannels: input.deliveredChannels })),
      listForUser: jest.fn(),
      markRead: jest.fn(),
      markAllRead: jest.fn(),
      recordDelivery: jest.fn<Promise<void>, [string, NotificationChannel[], string | null]>(async () => undefined),
    };
    mailer = { isConfigured: true, send: jest.fn<Promise<void>, [NotificationEmail]>(async () => undefined) };
    contact = { email: ADDRESS, name: 'Ada', emailEnabled: () => true };
    contacts = { contactFor: jest.fn<Promise<NotificationContact | null>, [string]>(async () => contact) };
    failures = new Counter({ name: NOTIFICATIONS_EMAIL_FAILURES, help: 'test', registers: [] });
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    const moduleRef = await Test.createTestingModule({
      providers: [
        NotificationsService,
        { provide: NotificationsRepository, useValue: repository },
        { provide: NotificationMailerService, useValue: mailer },
        { provide: NOTIFICATION_CONTACTS, useValue: contacts satisfies NotificationContacts },
        { provide: getToken(NOTIFICATIONS_EMAIL_FAILURES), useValue: failures },
      ],
    }).compile();
    service = moduleRef.get(NotificationsService);
  });

  afterEach(() => jest.restoreAllMocks());

  async function failureCount(): Promise<number> {
    return (await failures.get()).values[0]?.value ?? 0;
  }

  it('stores the notification in-app and e-mails it to a user who wants this type', async () => {
    const notification = await service.notify(USER, {
      type: 'copyright.transferred',
      title: 'A work was transferred to you',
      body: 'Ownership of "Song" is now yours.',
    });
    await service.settleDeliveries();

    expect(repository.create).toHaveBeenCalledWith(
      expect.objectContaining({ userId: USER, type: 'copyright.transferred', data: {}, deliveredChannels: ['in-app'] }),
      undefined,
    );
    expect(notification.deliveredChannels).toEqual(['in-app']);
    expect(mailer.send).toHaveBeenCalledWith({
      to: { address: ADDRESS, name: 'Ada' },
      subject: 'A work was transferred to you',
      text: 'Ownership of "Song" is now yours.',
    });
    expect(repository.recordDelivery).toHaveBeenCalledWith(notification.id, ['in-app', 'email'], null);
    expect(await failureCount()).toBe(0);
  });

  it("honours the user's preference: no e-mail for a type they turned off", async () => {
    const asked: string[] = [];
    contact = { email: ADDRESS, name: null, emailEnabled: (type) => (asked.push(type), type !== 'watch.match') };
    await service.notify(USER, { type: 'watch.match', title: 'New conflicting filing', body: '...' });
    await service.settleDeliveries();

    expect(asked).toEqual(['watch.match']);
    expect(mailer.send).not.toHaveBeenCalled();
    expect(repository.recordDelivery).not.toHaveBeenCalled();
  });

  it('sends no e-mail to a user the users lib cannot e-mail', async () => {
    contact = null;
    await service.notify(USER, { type: 'watch.match', title: 't', body: 'b' });
    await service.settleDeliveries();
    expect(mailer.send).not.toHaveBeenCalled();
    expect(repository.recordDelivery).not.toHaveBeenCalled();
  });

  it('sends no e-mail (and asks for no contact) when SMTP is not configured', async () => {
    mailer.isConfigured = false;
    const notification = await service.notify(USER, { type: 'watch.match', title: 't', body: 'b', data: { watchId: 'w1' } });
    await service.settleDeliveries();

    expect(notification.data).toEqual({ watchId: 'w1' });
    expect(contacts.contactFor).not.toHaveBeenCalled();
    expect(mailer.send).not.toHaveBeenCalled();
    expect(repository.recordDelivery).not.toHaveBeenCalled();
  });

  it('records, counts and logs an SMTP failure without the address, and never fails the caller', async () => {
    mailer.send.mockRejectedValue(
      Object.assign(new Error(`Can't send mail - all recipients were rejected: 550 5.1.1 <${ADDRESS}>: Recipient address rejected`), {
        code: 'EENVELOPE',
        responseCode: 550,
      }),
    );
    const notification = await service.notify(USER, { type: 'copyright.transferred', title: 't', body: 'b' });
    await service.settleDeliveries();

    expect(repository.recordDelivery).toHaveBeenCalledTimes(1);
    const [id, channels, reason] = repository.recordDelivery.mock.calls[0];
    expect([id, channels]).toEqual([notification.id, ['in-app']]);
    expect(reason).toMatch(/^EENVELOPE: .*550 5\.1\.1 <redacted>: Recipient address rejected$/);
    expect(await failureCount()).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls)).toContain(notification.id);
    expect(JSON.stringify(warn.mock.calls)).not.toContain(ADDRESS);
  });

  it('treats a failing contact lookup as a failed e-mail, not as a failed notify', async () => {
    contacts.contactFor.mockRejectedValue(new Error('connection terminated'));
    const notification = await service.notify(USER, { type: 'watch.match', title: 't', body: 'b' });
    await service.settleDeliveries();
    expect(repository.recordDelivery).toHaveBeenCalledWith(notification.id, ['in-app'], 'connection terminated');
    expect(await failureCount()).toBe(1);
  });

  it('does not wait for the SMTP round trip', async () => {
    const smtp = deferred();
    mailer.send.mockReturnValue(smtp.promise);

    const notification = await service.notify(USER, { type: 'watch.match', title: 't', body: 'b' });
    expect(notification.id).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(mailer.send).toHaveBeenCalledTimes(1);
    expect(repository.recordDelivery).not.toHaveBeenCalled();

    smtp.resolve();
    await service.settleDeliveries();
    expect(repository.recordDelivery).toHaveBeenCalledWith(notification.id, ['in-app', 'email'], null);
  });

  it('with a transaction, writes the row in it and e-mails only after it commits', async () => {
    const hooks: Array<(t: DbTransaction) => unknown> = [];
    const transaction = { afterCommit: (hook: (t: DbTransaction) => unknown) => hooks.push(hook) } as unknown as DbTransaction;

    await service.notify(USER, { type: 'watch.match', title: 't', body: 'b' }, { transaction });
    expect(repository.create).toHaveBeenCalledWith(expect.anything(), transaction);
    await new Promise((resolve) => setImmediate(resolve));
    expect(contacts.contactFor).not.toHaveBeenCalled();
    expect(mailer.send).not.toHaveBeenCalled();

    // Sequelize awaits afterCommit hooks inside commit(): the hook must return at once.
    const smtp = deferred();
    mailer.send.mockReturnValue(smtp.promise);
    expect(hooks).toHaveLength(1);
    expect(hooks[0](transaction)).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(mailer.send).toHaveBeenCalledTimes(1);
    smtp.resolve();
    await service.settleDeliveries();
    expect(repository.recordDelivery).toHaveBeenCalledTimes(1);
  });

  it('logs, but does not throw, when the outcome cannot be recorded', async () => {
    repository.recordDelivery.mockRejectedValue(new Error('pool closed'));
    await service.notify(USER, { type: 'watch.match', title: 't', body: 'b' });
    await expect(service.settleDeliveries()).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('propagates a failure to store the notification (the caller decides)', async () => {
    repository.create.mockRejectedValue(new Error('insert failed'));
    await expect(service.notify(USER, { type: 'watch.match', title: 't', body: 'b' })).rejects.toThrow('insert failed');
    expect(mailer.send).not.toHaveBeenCalled();
  });

  it('markRead answers NotFoundError when the user has no such notification', async () => {
    repository.markRead.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
    await expect(service.markRead(USER, stored().id)).resolves.toBeUndefined();
    await expect(service.markRead(USER, stored().id)).rejects.toBeInstanceOf(NotFoundError);
    expect(repository.markRead).toHaveBeenCalledWith(USER, stored().id);
  });
});
