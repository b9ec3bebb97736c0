import { randomUUID } from 'node:crypto';
import { client, GOOD_PASSWORD, uniqueEmail, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

type FieldError = { field: string; message: string };

/** The conventions of the README's API section, one finding of issue 16 per case. */
describe('API conventions (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let user: Tokens;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    user = await api.register();
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  function expectValidationFailed(res: { status: number; body: Record<string, unknown>; headers: Headers }, errors: FieldError[]): void {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/\/validation-failed$/), status: 400, requestId: expect.any(String) });
    expect(res.body.errors).toEqual(errors);
  }

  it('answers a malformed id with 400 validation-failed naming the parameter, on every route alike', async () => {
    const token = user.accessToken;
    for (const [method, path] of [
      ['GET', '/v1/trademarks/searches/not-a-uuid'],
      ['DELETE', '/v1/trademarks/watches/not-a-uuid'],
      ['DELETE', '/v1/sessions/not-a-uuid'],
      ['POST', '/v1/notifications/not-a-uuid/read'],
      ['GET', '/v1/copyrights/not-a-uuid'],
      ['POST', '/v1/copyrights/transfers/not-a-uuid/accept'],
      ['GET', '/v1/billing/invoices/not-a-uuid'],
      ['POST', '/v1/recommendations/not-a-uuid/accept'],
    ]) {
      expectValidationFailed(await api.call(method, path, { token }), [{ field: 'id', message: 'id must be a UUID' }]);
    }
    expectValidationFailed(await api.call('GET', '/v1/trademarks/records/12', { token }), [{ field: 'serialNumber', message: 'serialNumber must be 8 digits' }]);
    // A well-formed id of nothing stays a 404.
    expect((await api.call('GET', `/v1/trademarks/searches/${randomUUID()}`, { token })).status).toBe(404);
  });

  it('refuses unknown query parameters like unknown body fields, also where a route takes no query', async () => {
    const token = user.accessToken;
    expectValidationFailed(await api.call('GET', '/v1/users/me?expand=all', { token }), [{ field: 'expand', message: 'expand is not an accepted query parameter' }]);
    expectValidationFailed(await api.call('GET', '/v1/notifications?limit=5&sort=asc', { token }), [{ field: 'sort', message: 'sort is not an accepted query parameter' }]);
    expectValidationFailed(await api.call('PATCH', '/v1/users/me', { token, body: { name: 'Ada', nickname: 'A' } }), [{ field: 'nickname', message: 'nickname is not an accepted field' }]);
    expect((await api.call('GET', '/v1/notifications?limit=5', { token })).status).toBe(200);
  });

  it('gives one message per field, each naming its field and what is wanted', async () => {
    // A missing array field: one message, not every rule about its items.
    expectValidationFailed(await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'KWIK' } }), [
      { field: 'classes', message: 'classes must be an array' },
    ]);
    expectValidationFailed(await api.call('POST', '/v1/trademarks/watches', { token: user.accessToken, body: { mark: 'KWIK', classes: [35, 35] } }), [
      { field: 'classes', message: 'classes must not repeat a class' },
    ]);
    const res = await api.call('POST', '/v1/auth/register', { body: { email: 'not-an-address', password: 42, name: 'x'.repeat(101) } });
    expect(res.status).toBe(400);
    const errors = res.body.errors as FieldError[];
    expect(errors.map((e) => e.field).sort()).toEqual(['email', 'name', 'password']);
    for (const error of errors) expect(error.message.startsWith(`${error.field} `)).toBe(true);
    expect(errors.find((e) => e.field === 'email')?.message).toBe('email must be an e-mail address');
    const nested = await api.call('POST', '/v1/copyrights', {
      token: user.accessToken,
      body: { title: 'T', workType: 'literary', authors: [{ name: '' }], creationDate: '1999-04-01' },
    });
    expectValidationFailed(nested, [{ field: 'authors[0].name', message: 'authors[0].name should not be empty' }]);
  });

  it('paginates every list with limit and cursor: GET /v1/sessions?limit=1 gives 1 session and a cursor', async () => {
    const email = uniqueEmail('sessions');
    const first = await api.register(email);
    await api.login(email);
    await api.login(email);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : '?limit=1';
      const res = await api.call('GET', `/v1/sessions${query}`, { token: first.accessToken });
      expect(res.status).toBe(200);
      const page = res.body as { data: Array<{ id: string }>; nextCursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((s) => s.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(seen).toContain(first.sessionId);
    expectValidationFailed(await api.call('GET', '/v1/sessions?cursor=bogus', { token: first.accessToken }), [
      { field: 'cursor', message: 'cursor is not a cursor this API issued' },
    ]);
  });

  it('paginates GET /v1/recommendations with limit and cursor', async () => {
    const me = await api.register();
    const token = me.accessToken;
    const suggested = await api.call('POST', '/v1/recommendations/classes', { token, body: { description: 'we roast coffee, bake bread and run two cafés' } });
    expect(suggested.status).toBe(200);
    const made = (suggested.body.suggestions as Array<{ id: string }>).map((s) => s.id);
    expect(made.length).toBeGreaterThan(1);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : '?limit=1';
      const res = await api.call('GET', `/v1/recommendations${query}`, { token });
      expect(res.status).toBe(200);
      const page = res.body as { data: Array<{ id: string }>; nextCursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen.sort()).toEqual([...made].sort());
  });

  it('paginates a work’s history (oldest first) and the transfers with limit and cursor', async () => {
    const me = await api.register();
    const token = me.accessToken;
    const work = await api.call('POST', '/v1/copyrights', {
      token,
      body: { title: 'Pages', workType: 'literary', authors: [{ name: 'Ada Writer' }], creationDate: '1999-04-01' },
    });
    const id = work.body.id as string;
    for (const title of ['Pages 2', 'Pages 3']) expect((await api.call('PATCH', `/v1/copyrights/${id}`, { token, body: { title } })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const offered = await api.call('POST', `/v1/copyrights/${id}/transfer`, { token, body: { toEmail: uniqueEmail('heir') } });
      expect(offered.status).toBe(201);
      expect((await api.call('POST', `/v1/copyrights/transfers/${offered.body.id as string}/cancel`, { token })).status).toBe(200);
    }
    async function all(path: string): Promise<Array<Record<string, unknown>>> {
      const items: Array<Record<string, unknown>> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : '?limit=1';
        const res = await api.call('GET', `${path}${query}`, { token });
        expect(res.status).toBe(200);
        const page = res.body as { data: Array<Record<string, unknown>>; nextCursor: string | null };
        expect(page.data.length).toBeLessThanOrEqual(1);
        items.push(...page.data);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      return items;
    }
    const history = await all(`/v1/copyrights/${id}/history`);
    const whole = (await api.call('GET', `/v1/copyrights/${id}/history?limit=100`, { token })).body as { data: Array<Record<string, unknown>>; nextCursor: string | null };
    expect(whole.nextCursor).toBeNull();
    expect(history.map((e) => e.id)).toEqual(whole.data.map((e) => e.id));
    expect(history[0]).toMatchObject({ action: 'create' });
    expect(history.length).toBeGreaterThanOrEqual(3);
    const transfers = await all('/v1/copyrights/transfers');
    expect(transfers).toHaveLength(2);
    expect(transfers.every((t) => t.status === 'cancelled' && t.direction === 'outgoing')).toBe(true);
  });

  it('changes some preferences with PATCH, keeping the others; null is refused', async () => {
    const me = await api.register();
    const token = me.accessToken;
    const replaced = await api.call('PUT', '/v1/users/me/preferences', {
      token,
      body: { locale: 'en-GB', timezone: 'Europe/London', notifications: { security: { email: true } }, defaultClasses: [9] },
    });
    expect(replaced.status).toBe(200);
    const patched = await api.call('PATCH', '/v1/users/me/preferences', { token, body: { locale: 'fr-FR', defaultClasses: [42, 9] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ locale: 'fr-FR', timezone: 'Europe/London', notifications: { security: { email: true } }, defaultClasses: [9, 42] });
    expect((await api.call('GET', '/v1/users/me/preferences', { token })).body).toEqual(patched.body);
    expect((await api.call('PATCH', '/v1/users/me/preferences', { token, body: {} })).body).toEqual(patched.body);
    const nulled = await api.call('PATCH', '/v1/users/me/preferences', { token, body: { timezone: null } });
    expect(nulled.status).toBe(400);
    expect((nulled.body.errors as FieldError[]).map((e) => e.field)).toEqual(['timezone']);
    expectValidationFailed(await api.call('PATCH', '/v1/users/me/preferences', { token, body: { theme: 'dark' } }), [
      { field: 'theme', message: 'theme is not an accepted field' },
    ]);
  });

  it('answers 201 with a Location that names the created resource', async () => {
    const email = uniqueEmail('location');
    const registered = await api.call('POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('location')).toBe('/v1/users/me');
    const token = (registered.body as unknown as Tokens).accessToken;

    const search = await api.call('POST', '/v1/trademarks/searches', { token, body: { mark: 'QUICK REWARDS' } });
    expect(search.status).toBe(201);
    expect(search.headers.get('location')).toBe(`/v1/trademarks/searches/${search.body.id as string}`);
    expect((await api.call('GET', search.headers.get('location') as string, { token })).body).toMatchObject({ id: search.body.id });

    const watch = await api.call('POST', '/v1/trademarks/watches', { token, body: { mark: 'KWIK REWARDS', classes: [35] } });
    expect(watch.status).toBe(201);
    expect(watch.headers.get('location')).toBe(`/v1/trademarks/watches/${watch.body.id as string}`);

    const work = await api.call('POST', '/v1/copyrights', {
      token,
      body: { title: 'The Quiet Harbour', workType: 'literary', authors: [{ name: 'Ada Writer' }], creationDate: '1999-04-01' },
    });
    expect(work.status).toBe(201);
    expect(work.headers.get('location')).toBe(`/v1/copyrights/${work.body.id as string}`);
    expect((await api.call('GET', work.headers.get('location') as string, { token })).body).toMatchObject({ id: work.body.id });

    const transfer = await api.call('POST', `/v1/copyrights/${work.body.id as string}/transfer`, { token, body: { toEmail: uniqueEmail('recipient') } });
    expect(transfer.status).toBe(201);
    expect(transfer.headers.get('location')).toBe(`/v1/copyrights/transfers/${transfer.body.id as string}`);
    // The transfer's actions live under its Location (a GET there would be ambiguous with
    // /v1/copyrights/{id}/...; the transfer is read in GET /v1/copyrights/transfers).
    const cancelled = await api.call('POST', `${transfer.headers.get('location') as string}/cancel`, { token });
    expect(cancelled.body).toMatchObject({ id: transfer.body.id, status: 'cancelled' });
  });

  it('gives the wait both as a Retry-After header and as retryAfter, on 423 and on 429', async () => {
    const email = uniqueEmail('locked');
    await api.register(email);
    let locked: Awaited<ReturnType<typeof api.call>> | undefined;
    for (let i = 0; i < 10 && !locked; i++) {
      const res = await api.call('POST', '/v1/auth/login', { body: { email, password: 'not the password at all' } });
      if (res.status === 423) locked = res;
    }
    expect(locked?.status).toBe(423);
    const lockedWait = Number(locked?.headers.get('retry-after'));
    expect(lockedWait).toBeGreaterThan(0);
    expect(locked?.body.retryAfter).toBe(lockedWait);

    const limitedDb = await createTestDatabase();
    const limitedApp = await startTestApp({ databaseUrl: limitedDb.url, env: { RATE_LIMIT_MAX: '2', RATE_LIMIT_TTL_MS: '60000' } });
    try {
      let limited: Response | undefined;
      for (let i = 0; i < 5 && !limited; i++) {
        const res = await fetch(`${limitedApp.url}/v1/users/me`);
        if (res.status === 429) limited = res;
      }
      expect(limited?.status).toBe(429);
      const wait = Number(limited?.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(((await limited?.json()) as { retryAfter?: number }).retryAfter).toBe(wait);
    } finally {
      await limitedApp.close();
      await limitedDb.drop();
    }
  });
});
