import { randomUUID } from 'node:crypto';
import { NotificationsService } from '@app/notifications';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('GET/POST /v1/notifications (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let notifications: NotificationsService;
  let ada: Tokens;
  let bob: Tokens;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    notifications = t.app.get(NotificationsService);
    ada = await api.register();
    bob = await api.register();
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  async function notify(tokens: Tokens, n: number): Promise<string> {
    const created = await notifications.notify(tokens.user.id, { type: 'watch.match', title: `Title ${n}`, body: `Body ${n}`, data: { n } });
    return created.id;
  }

  type Listed = { data: Array<Record<string, unknown> & { id: string; readAt: string | null }>; nextCursor: string | null };

  async function list(tokens: Tokens, query = ''): Promise<Listed> {
    const res = await api.call('GET', `/v1/notifications${query}`, { token: tokens.accessToken });
    expect(res.status).toBe(200);
    return res.body as unknown as Listed;
  }

  function nextCursorOf(page: Listed): string {
    expect(page.nextCursor).toEqual(expect.any(String));
    return page.nextCursor as string;
  }

  it('requires a valid access token on every route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/notifications'],
      ['POST', `/v1/notifications/${randomUUID()}/read`],
      ['POST', '/v1/notifications/read-all'],
    ]) {
      const res = await api.call(method, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });

  it("lists the caller's notifications only, newest first, in pages", async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await notify(ada, n));
    await notify(bob, 99);

    const first = await list(ada, '?limit=2');
    expect(first.data).toHaveLength(2);
    expect(Object.keys(first.data[0]).sort()).toEqual(['body', 'createdAt', 'data', 'id', 'readAt', 'title', 'type']);
    expect(first.data[0]).toEqual({
      id: ids[4],
      type: 'watch.match',
      title: 'Title 5',
      body: 'Body 5',
      data: { n: 5 },
      readAt: null,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const second = await list(ada, `?limit=2&cursor=${nextCursorOf(first)}`);
    const third = await list(ada, `?limit=2&cursor=${nextCursorOf(second)}`);
    expect([...first.data, ...second.data, ...third.data].map((n) => n.id)).toEqual([...ids].reverse());
    expect(third.nextCursor).toBeNull();
    expect((await list(ada)).data).toHaveLength(5);
  });

  it('marks one notification read (204, idempotent) and filters unread ones', async () => {
    const id = await notify(ada, 10);
    const read = await api.call('POST', `/v1/notifications/${id}/read`, { token: ada.accessToken });
    expect(read.status).toBe(204);
    expect(read.body).toBeUndefined();
    expect((await api.call('POST', `/v1/notifications/${id}/read`, { token: ada.accessToken })).status).toBe(204);

    const all = await list(ada);
    expect(all.data.find((n) => n.id === id)?.readAt).toEqual(expect.any(String));
    const unread = await list(ada, '?unread=true');
    expect(unread.data.length).toBe(all.data.length - 1);
    expect(unread.data.every((n) => n.readAt === null)).toBe(true);
    expect((await list(ada, '?unread=false')).data).toHaveLength(all.data.length);
  });

  it("answers another user's notification exactly like a missing one (404)", async () => {
    const bobs = await notify(bob, 20);
    const foreign = await api.call('POST', `/v1/notifications/${bobs}/read`, { token: ada.accessToken });
    const missing = await api.call('POST', `/v1/notifications/${randomUUID()}/read`, { token: ada.accessToken });
    expect(foreign.status).toBe(404);
    const strip = ({ instance: _i, requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(foreign.body)).toEqual(strip(missing.body));
    expect((await list(bob, '?unread=true')).data.map((n) => n.id)).toContain(bobs);
  });

  it("read-all (204) marks every one of the caller's notifications and nobody else's", async () => {
    await notify(ada, 30);
    const bobUnread = (await list(bob, '?unread=true')).data.length;
    expect(bobUnread).toBeGreaterThan(0);

    const res = await api.call('POST', '/v1/notifications/read-all', { token: ada.accessToken });
    expect(res.status).toBe(204);
    expect((await list(ada, '?unread=true')).data).toEqual([]);
    expect((await list(bob, '?unread=true')).data).toHaveLength(bobUnread);
  });

  it.each([
    ['?unread=yes', 'unread'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=2.5', 'limit'],
    ['?limit=abc', 'limit'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?sort=asc', 'sort'],
  ])('refuses %s with a 400 naming the field', async (query, field) => {
    const res = await api.call('GET', `/v1/notifications${query}`, { token: ada.accessToken });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
  });

  it('refuses an id that is not a UUID with a 400', async () => {
    const res = await api.call('POST', '/v1/notifications/123/read', { token: ada.accessToken });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
