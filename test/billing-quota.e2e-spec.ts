import { BillingClock } from '@app/billing';
import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('search quota (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  const now = new Date('2033-05-20T12:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      databaseUrl: db.url,
      // Enforced here (test-app turns it off for the other specs); 20 searches of one user queue on their usage row.
      env: { AUTH_RATE_LIMIT_MAX: '10000', DB_POOL_MAX: '25', DB_STATEMENT_TIMEOUT_MS: '20000', BILLING_SEARCH_QUOTA_ENFORCED: 'true' },
    });
    api = client(t.url);
    jest.spyOn(t.app.get(BillingClock), 'now').mockReturnValue(now);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await db?.drop();
  });

  const search = (u: Tokens, mark: string) => api.call('POST', '/v1/trademarks/searches', { token: u.accessToken, body: { mark } });
  const usage = async (u: Tokens) => (await api.call('GET', '/v1/billing/usage', { token: u.accessToken })).body;

  it('free plan: 20 concurrent searches at the edge, exactly the 10 of the quota pass; the rest get 402 naming the plan and the reset', async () => {
    const ada = await api.register();
    expect(await usage(ada)).toEqual({ planCode: 'free', periodStart: '2033-05-01T00:00:00.000Z', periodEnd: '2033-06-01T00:00:00.000Z', searches: { used: 0, quota: 10 } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => search(ada, `QUOTA MARK ${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(10);
    const refused = results.find((r) => r.status === 402);
    expect(refused?.headers.get('content-type')).toContain('application/problem+json');
    expect(refused?.body).toMatchObject({ type: expect.stringMatching(/search-quota-exceeded$/), plan: 'free', quota: 10, resetsAt: '2033-06-01T00:00:00.000Z' });
    expect((await usage(ada)).searches).toEqual({ used: 10, quota: 10 });
    // The history holds exactly the searches that passed.
    expect(((await api.call('GET', '/v1/trademarks/searches?limit=100', { token: ada.accessToken })).body.data as unknown[]).length).toBe(10);
  });

  it('a subscription brings its plan’s quota over its own period', async () => {
    const bob = await api.register();
    for (let i = 0; i < 10; i++) expect((await search(bob, `FREE ${i}`)).status).toBe(201);
    expect((await search(bob, 'ONE MORE')).status).toBe(402);
    const sub = await api.call('POST', '/v1/billing/subscription', { token: bob.accessToken, body: { planCode: 'pro', paymentToken: 'tok_visa' } });
    expect(sub.body.status).toBe('active');
    expect(await usage(bob)).toEqual({ planCode: 'pro', periodStart: now.toISOString(), periodEnd: '2033-06-20T12:00:00.000Z', searches: { used: 0, quota: 200 } });
    expect((await search(bob, 'ONE MORE')).status).toBe(201);
    expect((await usage(bob)).searches).toEqual({ used: 1, quota: 200 });
  });
});
