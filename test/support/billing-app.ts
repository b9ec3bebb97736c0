import { Client } from 'pg';
import { BillingClock } from '@app/billing';
import { JobsService } from '@app/jobs';
import { client, type Tokens, uniqueEmail } from './auth-client';
import { startTestApp, type TestApp } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

type Json = Record<string, unknown>;

/** What every billing spec starts with: its own database, an app on it, an API client and a pg client. */
export interface BillingApp {
  db: TestDatabase;
  t: TestApp;
  api: ReturnType<typeof client>;
  sql: Client;
  /** An admin's tokens, when asked for (`admin: true`). */
  admin: Tokens;
}

/**
 * Environment every billing spec shares: auth's per-IP budget out of the way (one test client
 * registers many users), a pool and a statement timeout that let concurrent audited writes queue
 * on the audit chain's lock on a loaded machine.
 */
const BILLING_TEST_ENV = { AUTH_RATE_LIMIT_MAX: '10000', DB_POOL_MAX: '20', DB_STATEMENT_TIMEOUT_MS: '20000' };

/** Drives the billing clock from the test (`() => now`, with `now` a variable the test moves). */
export function mockBillingClock(t: TestApp, clock: () => Date): void {
  jest.spyOn(t.app.get(BillingClock), 'now').mockImplementation(clock);
}

/** Starts a billing spec's app; if any step fails, closes what the earlier steps opened and rethrows. */
export async function startBillingApp(options: { env?: Record<string, string>; clock?: () => Date; admin?: boolean } = {}): Promise<BillingApp> {
  const opened: Partial<BillingApp> = {};
  try {
    opened.db = await createTestDatabase();
    const t = (opened.t = await startTestApp({ databaseUrl: opened.db.url, env: { ...BILLING_TEST_ENV, ...options.env } }));
    const api = (opened.api = client(t.url));
    const sql = new Client({ connectionString: opened.db.url });
    await sql.connect();
    opened.sql = sql;
    if (options.clock) mockBillingClock(t, options.clock);
    if (options.admin) {
      const email = uniqueEmail('admin');
      const registered = await api.register(email);
      await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
      opened.admin = await api.login(email);
    }
    return opened as BillingApp;
  } catch (error) {
    await stopBillingApp(opened).catch(() => undefined);
    throw error;
  }
}

/** Closes what startBillingApp opened (each part only if it was opened: a failed beforeAll leaves some undefined). */
export async function stopBillingApp(app: Partial<BillingApp>): Promise<void> {
  jest.restoreAllMocks();
  await app.sql?.end();
  await app.t?.close();
  await app.db?.drop();
}

/** Runs the renewal job now; its details (counts), or an error if it did not run or failed. */
export async function runRenewals(t: TestApp): Promise<Record<string, number>> {
  const result = await t.app.get(JobsService).runNow('billing-renewals');
  if (result.status !== 'ran' || result.run.outcome === 'failure') throw new Error(`billing-renewals: ${JSON.stringify(result)}`);
  return (result.run.details ?? {}) as Record<string, number>;
}

/** A user's billing as the API shows it, and the test's shortcut to their card. */
export function billingViews(api: ReturnType<typeof client>, sql: Client) {
  const list = async (u: Tokens, path: string) => (await api.call('GET', `${path}?limit=100`, { token: u.accessToken })).body.data as Json[];
  return {
    subscription: async (u: Tokens) => (await api.call('GET', '/v1/billing/subscription', { token: u.accessToken })).body as Json,
    invoices: (u: Tokens) => list(u, '/v1/billing/invoices'),
    payments: (u: Tokens) => list(u, '/v1/billing/payments'),
    notifications: (u: Tokens) => list(u, '/v1/notifications'),
    setCard: (u: Tokens, token: string) => sql.query('UPDATE subscriptions SET payment_method = $2 WHERE user_id = $1', [u.user.id, token]),
  };
}
