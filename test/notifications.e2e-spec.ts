import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { getConnectionToken, SequelizeModule } from '@nestjs/sequelize';
import { Test, type TestingModule } from '@nestjs/testing';
import { register, type Counter } from 'prom-client';
import { QueryTypes } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { NotFoundError, ValidationFailedError } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule, TransactionRunner } from '@app/database';
import { NOTIFICATIONS_EMAIL_FAILURES, NotificationsService, type NotificationContact } from '@app/notifications';
// The repository and the providers are internal to the lib; tests reach them by path.
import { Notification } from '../libs/notifications/src/models/notification.model';
import { notificationsProviders } from '../libs/notifications/src/notifications.providers';
import { NotificationsRepository } from '../libs/notifications/src/notifications.repository';
import { startFakeSmtpServer, type FakeSmtpServer } from './support/fake-smtp-server';
import { ALL_MODELS } from '../apps/composition/src';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('notifications (against a real PostgreSQL)', () => {
  let db: TestDatabase;
  let smtp: FakeSmtpServer;
  let moduleRef: TestingModule;
  let sequelize: Sequelize;
  let repository: NotificationsRepository;
  let service: NotificationsService;
  let transactions: TransactionRunner;
  let warn: jest.SpyInstance;
  const contacts = new Map<string, NotificationContact>();

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startFakeSmtpServer();
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          env: {
            NODE_ENV: 'test',
            DATABASE_URL: db.url,
            LOG_LEVEL: 'silent',
            DB_POOL_MIN: '0',
            DB_POOL_MAX: '5',
            DB_CONNECT_ATTEMPTS: '3',
            DB_CONNECT_BASE_DELAY_MS: '50',
          },
        }),
        DatabaseModule.forRoot({ applicationName: 'clearmark-test', models: ALL_MODELS }),
        SequelizeModule.forFeature([Notification]),
      ],
      providers: notificationsProviders({
        contacts: { useValue: { contactFor: async (userId: string) => contacts.get(userId) ?? null } },
        mailer: { useValue: { smtpUrl: smtp.url, from: 'Clearmark <no-reply@clearmark.test>' } },
      }),
    }).compile();
    await moduleRef.init();
    sequelize = moduleRef.get(getConnectionToken());
    repository = moduleRef.get(NotificationsRepository);
    service = moduleRef.get(NotificationsService);
    transactions = moduleRef.get(TransactionRunner);
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await moduleRef?.close();
    await smtp?.close();
    await db?.drop();
  });

  /** notifications.user_id references users: every recipient is a real account. */
  async function newUser(): Promise<string> {
    const [rows] = await sequelize.query(
      `INSERT INTO users (email, password_hash) VALUES (:email, 'not-a-real-hash') RETURNING id`,
      { replacements: { email: `${randomUUID()}@example.com` } },
    );
    return (rows as Array<{ id: string }>)[0].id;
  }

  function message(n: number) {
    return { type: 'watch.match', title: `Notification ${n}`, body: `Body ${n}`, data: { n } };
  }

  /** Rows inserted with SQL, at chosen times: the cases that Sequelize's own timestamps never produce. */
  async function insertAt(userId: string, createdAt: string, count: number): Promise<void> {
    await sequelize.query(
      `INSERT INTO notifications (user_id, type, title, body, created_at, updated_at)
       SELECT :userId, 'watch.match', 'seeded', 'seeded', :createdAt::timestamptz, :createdAt::timestamptz
         FROM generate_series(1, :count)`,
      { replacements: { userId, createdAt, count } },
    );
  }

  async function idsInOrder(userId: string, extra = ''): Promise<string[]> {
    const rows = await sequelize.query<{ id: string }>(
      `SELECT id FROM notifications WHERE user_id = :userId ${extra} ORDER BY created_at DESC, id DESC`,
      { type: QueryTypes.SELECT, replacements: { userId } },
    );
    return rows.map((r) => r.id);
  }

  async function allPages(userId: string, query: { limit?: number; unread?: boolean }): Promise<{ ids: string[]; sizes: number[] }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await repository.listForUser(userId, { ...query, cursor });
      ids.push(...page.data.map((n) => n.id));
      sizes.push(page.data.length);
      if (page.nextCursor === null) return { ids, sizes };
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  async function row(id: string): Promise<{ read_at: Date | null; delivered_channels: string[]; email_error: string | null }> {
    const [found] = await sequelize.query<{ read_at: Date | null; delivered_channels: string[]; email_error: string | null }>(
      'SELECT read_at, delivered_channels, email_error FROM notifications WHERE id = :id',
      { type: QueryTypes.SELECT, replacements: { id } },
    );
    return found;
  }

  describe('repository', () => {
    it('stores a notification and returns it as a plain object with database-made id and defaults', async () => {
      const userId = await newUser();
      const created = await repository.create({ userId, ...message(1), deliveredChannels: ['in-app'] });
      expect(created).not.toBeInstanceOf(Notification);
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId,
        type: 'watch.match',
        title: 'Notification 1',
        body: 'Body 1',
        data: { n: 1 },
        readAt: null,
        deliveredChannels: ['in-app'],
        emailError: null,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
    });

    it('pages through every notification exactly once, newest first, across equal and sub-millisecond times', async () => {
      const userId = await newUser();
      const other = await newUser();
      for (let n = 0; n < 25; n++) await repository.create({ userId, ...message(n), deliveredChannels: ['in-app'] });
      await insertAt(userId, '2020-01-01T09:00:00Z', 10); // one transaction's now(): equal times
      for (let us = 1; us <= 10; us++) {
        // Ten rows inside one millisecond: a millisecond cursor would skip some of them.
        await insertAt(userId, `2020-01-01T08:00:00.1230${String(us).padStart(2, '0')}Z`, 1);
      }
      await insertAt(other, '2020-01-01T09:00:00Z', 5);

      const { ids, sizes } = await allPages(userId, { limit: 7 });
      expect(sizes).toEqual([7, 7, 7, 7, 7, 7, 3]);
      expect(new Set(ids).size).toBe(45);
      expect(ids).toEqual(await idsInOrder(userId));
    });

    it('stays stable while notifications arrive between pages', async () => {
      const userId = await newUser();
      for (let n = 0; n < 12; n++) await repository.create({ userId, ...message(n), deliveredChannels: ['in-app'] });
      const before = await idsInOrder(userId);

      const first = await repository.listForUser(userId, { limit: 5 });
      for (let n = 0; n < 3; n++) await repository.create({ userId, ...message(100 + n), deliveredChannels: ['in-app'] });
      const second = await repository.listForUser(userId, { limit: 5, cursor: first.nextCursor ?? undefined });
      const third = await repository.listForUser(userId, { limit: 5, cursor: second.nextCursor ?? undefined });

      expect([...first.data, ...second.data, ...third.data].map((n) => n.id)).toEqual(before);
      expect(third.nextCursor).toBeNull();
    });

    it('uses 20 per page by default and never more than 100', async () => {
      const userId = await newUser();
      await insertAt(userId, '2021-06-01T00:00:00Z', 130);
      expect((await repository.listForUser(userId)).data).toHaveLength(20);
      expect((await repository.listForUser(userId, { limit: 1000 })).data).toHaveLength(100);
    });

    it('lists only unread notifications when asked, in pages', async () => {
      const userId = await newUser();
      const created = [];
      for (let n = 0; n < 9; n++) created.push(await repository.create({ userId, ...message(n), deliveredChannels: ['in-app'] }));
      for (const n of [0, 3, 4, 8]) await repository.markRead(userId, created[n].id);

      const unread = await allPages(userId, { unread: true, limit: 2 });
      expect(unread.ids).toEqual(await idsInOrder(userId, 'AND read_at IS NULL'));
      expect(unread.ids).toHaveLength(5);
      expect((await allPages(userId, { unread: false })).ids).toHaveLength(9);
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(repository.listForUser(randomUUID(), { cursor: 'bogus' })).rejects.toBeInstanceOf(ValidationFailedError);
    });

    it("marks the user's own notification read once, and treats another user's id as missing", async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const mine = await repository.create({ userId: owner, ...message(1), deliveredChannels: ['in-app'] });

      expect(await repository.markRead(stranger, mine.id)).toBe(false);
      expect((await row(mine.id)).read_at).toBeNull();
      expect(await repository.markRead(owner, randomUUID())).toBe(false);
      expect(await repository.markRead(owner, 'not-a-uuid')).toBe(false);

      expect(await repository.markRead(owner, mine.id)).toBe(true);
      const firstRead = (await row(mine.id)).read_at;
      expect(firstRead).toBeInstanceOf(Date);
      // Reading again is not an error, and keeps the first read time.
      expect(await repository.markRead(owner, mine.id)).toBe(true);
      expect((await row(mine.id)).read_at).toEqual(firstRead);
    });

    it("marks all of one user's notifications read and nobody else's", async () => {
      const userId = await newUser();
      const other = await newUser();
      for (let n = 0; n < 4; n++) await repository.create({ userId, ...message(n), deliveredChannels: ['in-app'] });
      for (let n = 0; n < 3; n++) await repository.create({ userId: other, ...message(n), deliveredChannels: ['in-app'] });

      expect(await repository.markAllRead(userId)).toBe(4);
      expect(await idsInOrder(userId, 'AND read_at IS NULL')).toEqual([]);
      expect(await idsInOrder(other, 'AND read_at IS NULL')).toHaveLength(3);
      expect(await repository.markAllRead(userId)).toBe(0);
    });

    it('serves the list and read-all queries from their indexes', async () => {
      const userId = await newUser();
      await insertAt(userId, '2022-01-01T00:00:00Z', 30);
      const first = await repository.listForUser(userId, { limit: 10 });

      const statements: Array<{ sql: string; replacements?: unknown }> = [];
      const query = sequelize.query.bind(sequelize);
      jest.spyOn(sequelize, 'query').mockImplementation(((sql: string, options?: { replacements?: unknown }) => {
        statements.push({ sql, replacements: options?.replacements });
        return query(sql, options as never);
      }) as never);
      await repository.listForUser(userId, { limit: 10, cursor: first.nextCursor ?? undefined, unread: false });
      await repository.markAllRead(userId);
      jest.restoreAllMocks();

      const plan = async (statement: { sql: string; replacements?: unknown }, bind?: unknown[]) =>
        sequelize.transaction(async (transaction) => {
          // A few rows make a sequential scan cheapest; the question is whether the index can serve the query.
          await sequelize.query('SET LOCAL enable_seqscan = off', { transaction });
          const rows = await sequelize.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.sql}`, {
            type: QueryTypes.SELECT,
            transaction,
            ...(statement.replacements ? { replacements: statement.replacements as Record<string, unknown> } : {}),
            ...(bind ? { bind } : {}),
          });
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      const list = statements.find((s) => /^SELECT/.test(s.sql));
      const listPlan = await plan(list!);
      expect(listPlan).toMatch(/Index Scan using notifications_user_id_created_at_idx/);
      expect(listPlan).not.toMatch(/\bSort\b/); // the index gives the order: no sort of the user's rows
      expect(await plan({ sql: 'UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL' }, [userId])).toMatch(
        /notifications_user_id_unread_idx/,
      );
    });
  });

  describe('service', () => {
    async function failureCount(): Promise<number> {
      const counter = register.getSingleMetric(NOTIFICATIONS_EMAIL_FAILURES) as Counter<string>;
      return (await counter.get()).values[0]?.value ?? 0;
    }

    it('answers the same NotFoundError for a missing id and for another user’s', async () => {
      const owner = await newUser();
      const mine = await service.notify(owner, message(1));
      const missing = await service.markRead(owner, randomUUID()).catch((e: unknown) => e);
      const foreign = await service.markRead(await newUser(), mine.id).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(foreign).toBeInstanceOf(NotFoundError);
      expect({ ...(foreign as NotFoundError), message: (foreign as Error).message }).toEqual({
        ...(missing as NotFoundError),
        message: (missing as Error).message,
      });
      await service.settleDeliveries();
    });

    it('e-mails a user who wants it through SMTP and records the delivery', async () => {
      const userId = await newUser();
      contacts.set(userId, { email: 'ada@example.com', name: 'Ada Lovelace', emailEnabled: () => true });
      const before = smtp.received.length;

      const notification = await service.notify(userId, { type: 'copyright.transferred', title: 'A work is yours', body: 'Hello\nthere' });
      await service.settleDeliveries();

      const [mail] = smtp.received.slice(before);
      expect(mail.to).toEqual(['ada@example.com']);
      expect(mail.from).toBe('no-reply@clearmark.test');
      expect(mail.data).toMatch(/^Subject: A work is yours$/m);
      expect(mail.data).toMatch(/^To: Ada Lovelace <ada@example.com>$/m);
      expect(await row(notification.id)).toEqual({ read_at: null, delivered_channels: ['in-app', 'email'], email_error: null });
    });

    it('keeps a notification in-app only for a user who turned that type off', async () => {
      const userId = await newUser();
      contacts.set(userId, { email: 'bob@example.com', name: null, emailEnabled: (type) => type !== 'watch.match' });
      const before = smtp.received.length;
      const notification = await service.notify(userId, message(1));
      await service.settleDeliveries();
      expect(smtp.received.length).toBe(before);
      expect(await row(notification.id)).toEqual({ read_at: null, delivered_channels: ['in-app'], email_error: null });
    });

    it('records a refused recipient without the address, counts it, and still succeeds for the caller', async () => {
      const userId = await newUser();
      contacts.set(userId, { email: 'gone@example.com', name: 'Gone', emailEnabled: () => true });
      smtp.rejectRecipients.add('gone@example.com');
      const failuresBefore = await failureCount();

      const notification = await service.notify(userId, message(1));
      await service.settleDeliveries();

      const stored = await row(notification.id);
      expect(stored.delivered_channels).toEqual(['in-app']);
      expect(stored.email_error).toMatch(/550 5\.1\.1 <redacted>/);
      expect(stored.email_error).not.toContain('gone@example.com');
      expect(await failureCount()).toBe(failuresBefore + 1);
      expect(JSON.stringify(warn.mock.calls)).toContain(notification.id);
      expect(JSON.stringify(warn.mock.calls)).not.toContain('gone@example.com');
    });

    it('in a transaction: e-mails only after the commit, and neither stores nor e-mails on rollback', async () => {
      const userId = await newUser();
      contacts.set(userId, { email: 'tx@example.com', name: null, emailEnabled: () => true });
      const before = smtp.received.length;

      const committed = await transactions.run(async (transaction) => {
        const notification = await service.notify(userId, message(1), { transaction });
        // Any delivery started before the commit would finish here (no sleep to guess its time).
        await service.settleDeliveries();
        expect(smtp.received.length).toBe(before);
        expect(await row(notification.id)).toBeUndefined(); // not visible outside the transaction yet
        return notification;
      });
      await service.settleDeliveries();
      expect(smtp.received.length).toBe(before + 1);
      expect((await row(committed.id)).delivered_channels).toEqual(['in-app', 'email']);

      let rolledBackId = '';
      await expect(
        transactions.run(async (transaction) => {
          rolledBackId = (await service.notify(userId, message(2), { transaction })).id;
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await service.settleDeliveries();
      expect(await row(rolledBackId)).toBeUndefined();
      expect(smtp.received.length).toBe(before + 1);
    });
  });
});
