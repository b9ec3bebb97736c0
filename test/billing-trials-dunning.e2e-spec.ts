import type { Client } from 'pg';
import { type ChargeRequest, PaymentProvider } from '@app/billing';
import { JobsService } from '@app/jobs';
import { NotificationsService } from '@app/notifications';
import type { client, Tokens } from './support/auth-client';
import { billingViews, mockBillingClock, runRenewals, startBillingApp, stopBillingApp, type BillingApp } from './support/billing-app';
import { waitFor } from './support/wait-for';

const DAY = 86_400_000;
type Json = Record<string, unknown>;

/**
 * Trials (admin-set trial days, one per user, converted by the renewal job), dunning that ends
 * in `canceled` (BILLING_RETRIES_EXHAUSTED=canceled) with every notification checked, and
 * renewal runs that crash half-way and are re-run.
 */
describe('billing trials, dunning to canceled, crashed renewal runs (e2e)', () => {
  let app: BillingApp;
  let t: BillingApp['t'];
  let api: ReturnType<typeof client>;
  let sql: Client;
  let now = new Date('2033-01-10T00:00:00Z');
  let admin: Tokens;

  beforeAll(async () => {
    app = await startBillingApp({ env: { BILLING_RETRIES_EXHAUSTED: 'canceled' }, clock: () => now, admin: true });
    ({ t, api, sql, admin } = app);
  });

  afterEach(() => {
    // Only the clock stays mocked between tests.
    jest.restoreAllMocks();
    mockBillingClock(t, () => now);
  });

  afterAll(() => stopBillingApp(app ?? {}));

  const runRenewalJob = () => t.app.get(JobsService).runNow('billing-renewals');
  const renewals = () => runRenewals(t);
  const views = () => billingViews(api, sql);
  const subscription = (u: Tokens) => views().subscription(u);
  const invoices = (u: Tokens) => views().invoices(u);
  const payments = (u: Tokens) => views().payments(u);
  const usage = async (u: Tokens) => (await api.call('GET', '/v1/billing/usage', { token: u.accessToken })).body as Json;
  const notifications = (u: Tokens) => views().notifications(u);
  const setCard = (u: Tokens, token: string) => views().setCard(u, token);
  const patchPlan = (code: string, body: unknown, token = admin.accessToken) => api.call('PATCH', `/v1/admin/billing/plans/${code}`, { token, body });
  const subscribe = (u: Tokens, paymentToken = 'tok_visa', plan = 'pro') =>
    api.call('POST', '/v1/billing/subscription', { token: u.accessToken, body: { planCode: plan, paymentToken } });

  it('lets admins set trial days on a paid plan (audited), and refuses what makes no sense', async () => {
    const user = await api.register();
    expect((await patchPlan('pro', { trialDays: 14 }, user.accessToken)).status).toBe(403);
    expect((await patchPlan('nope', { trialDays: 14 })).status).toBe(404);
    expect((await patchPlan('free', { trialDays: 7 })).status).toBe(400);
    expect((await patchPlan('pro', {})).status).toBe(400);
    for (const bad of [-1, 731, 1.5, '14']) expect((await patchPlan('pro', { trialDays: bad })).status).toBe(400);
    expect((await patchPlan('pro', { price: 1 })).status).toBe(400);

    const res = await patchPlan('pro', { trialDays: 14 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 'pro', trialDays: 14, price: { amount: 1900, currency: 'USD' }, active: true });
    const plans = (await api.call('GET', '/v1/billing/plans', { token: user.accessToken })).body.data as Json[];
    expect(plans.find((p) => p.code === 'pro')).toMatchObject({ trialDays: 14 });
    const audited = await sql.query(`SELECT actor_id, before, after FROM audit_logs WHERE action = 'billing.plan.update' AND entity_id = 'pro'`);
    expect(audited.rows).toEqual([{ actor_id: admin.user.id, before: { trialDays: 0 }, after: { trialDays: 14 } }]);

    // Retired: listed for admins, not offered to users, refused to new subscribers.
    const retired = await api.register();
    expect((await patchPlan('business', { active: false })).body).toMatchObject({ active: false });
    expect(((await api.call('GET', '/v1/billing/plans', { token: user.accessToken })).body.data as Json[]).map((p) => p.code)).not.toContain('business');
    expect(((await api.call('GET', '/v1/admin/billing/plans', { token: admin.accessToken })).body.data as Json[]).map((p) => p.code)).toContain('business');
    expect((await subscribe(retired, 'tok_visa', 'business')).status).toBe(400);
    expect((await patchPlan('business', { active: true })).status).toBe(200);
  });

  it('starts a trial without a charge; at its end the first month is invoiced and charged -> active; a second trial is refused', async () => {
    now = new Date('2033-01-10T00:00:00Z');
    const ada = await api.register();
    const res = await subscribe(ada);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'trialing',
      plan: { code: 'pro', trialDays: 14 },
      trialStart: '2033-01-10T00:00:00.000Z',
      trialEnd: '2033-01-24T00:00:00.000Z',
      currentPeriodEnd: '2033-01-24T00:00:00.000Z',
    });
    expect(await invoices(ada)).toEqual([]);
    expect(await payments(ada)).toEqual([]);
    // The trial gives the plan's quota.
    expect(await usage(ada)).toMatchObject({ planCode: 'pro', searches: { used: 0, quota: 200 } });

    now = new Date('2033-01-23T23:59:59Z');
    await renewals();
    expect((await subscription(ada)).status).toBe('trialing');
    expect(await payments(ada)).toEqual([]);

    now = new Date('2033-01-24T00:00:05Z');
    await renewals();
    expect(await subscription(ada)).toMatchObject({ status: 'active', currentPeriodStart: '2033-01-24T00:00:00.000Z', currentPeriodEnd: '2033-02-24T00:00:00.000Z', trialEnd: '2033-01-24T00:00:00.000Z' });
    const [first] = await invoices(ada);
    expect(first).toMatchObject({ status: 'paid', total: 1900, lines: [expect.objectContaining({ periodStart: '2033-01-24T00:00:00.000Z', periodEnd: '2033-02-24T00:00:00.000Z' })] });
    expect((await payments(ada)).map((p) => p.status)).toEqual(['succeeded']);
    expect((await notifications(ada)).map((n) => n.type)).toEqual(['billing.invoice-issued']);

    // One trial per user: canceled and subscribed again, the first invoice is charged at once.
    await api.call('POST', '/v1/billing/subscription/cancel', { token: ada.accessToken, body: { atPeriodEnd: false } });
    const again = await subscribe(ada);
    expect(again.body).toMatchObject({ status: 'active', trialStart: null, trialEnd: null });
    expect(await payments(ada)).toHaveLength(2);
  });

  it('a trial whose first charge fails is past_due, retried 1, 3 and 5 days later, then canceled (BILLING_RETRIES_EXHAUSTED=canceled), with every notification', async () => {
    now = new Date('2033-03-01T00:00:00Z');
    const bob = await api.register();
    expect((await subscribe(bob, 'tok_insufficientFunds')).body).toMatchObject({ status: 'trialing' });
    const trialEnd = new Date('2033-03-15T00:00:00Z');

    now = trialEnd;
    await renewals();
    const sub = await subscription(bob);
    expect(sub).toMatchObject({ status: 'past_due', failureCode: 'insufficient_funds', nextRetryAt: new Date(trialEnd.getTime() + DAY).toISOString() });
    const [invoice] = await invoices(bob);
    expect(invoice).toMatchObject({ status: 'open', total: 1900 });

    for (const days of [1, 3]) {
      now = new Date(trialEnd.getTime() + days * DAY);
      await renewals();
      expect((await subscription(bob)).status).toBe('past_due');
    }
    now = new Date(trialEnd.getTime() + 5 * DAY);
    await renewals();
    expect(await subscription(bob)).toMatchObject({ status: 'canceled', nextRetryAt: null, endedAt: now.toISOString(), canceledAt: now.toISOString() });
    expect((await invoices(bob))[0]).toMatchObject({ id: invoice.id, status: 'uncollectible' });
    expect((await payments(bob)).map((p) => p.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    // Back on the free plan.
    expect(await usage(bob)).toMatchObject({ planCode: 'free' });

    // Notifications written in one transaction may share a timestamp: compared as a multiset.
    const seen = await notifications(bob);
    const count = (type: string) => seen.filter((n) => n.type === type).length;
    expect(seen).toHaveLength(9);
    expect([count('billing.invoice-issued'), count('billing.payment-failed'), count('billing.retry-scheduled'), count('billing.subscription-ended')]).toEqual([1, 4, 3, 1]);
    const retryDates = seen.filter((n) => n.type === 'billing.retry-scheduled').map((n) => (n.data as Json).retryAt as string);
    expect(retryDates.sort()).toEqual([1, 3, 5].map((d) => new Date(trialEnd.getTime() + d * DAY).toISOString()));
    expect(seen.find((n) => n.type === 'billing.invoice-issued')).toMatchObject({ title: `Invoice ${invoice.number as string}`, data: { invoiceId: invoice.id, subscriptionId: sub.id } });
    for (const failed of seen.filter((n) => n.type === 'billing.payment-failed')) expect(failed).toMatchObject({ data: { failureCode: 'insufficient_funds', invoiceId: invoice.id } });
    expect(seen.find((n) => n.type === 'billing.subscription-ended')).toMatchObject({ title: 'Your subscription was canceled', data: { status: 'canceled', subscriptionId: sub.id } });

    // Over: nothing more is tried, and a new subscription may start (no second trial).
    now = new Date(now.getTime() + 10 * DAY);
    await renewals();
    expect(await payments(bob)).toHaveLength(4);
    await setCard(bob, 'tok_visa');
    expect((await subscribe(bob)).body).toMatchObject({ status: 'active', trialEnd: null });
  });

  describe('a renewal run that crashes half-way is re-run safely', () => {
    async function activeUntil(periodEnd: string): Promise<Tokens> {
      const user = await api.register();
      // Started without a trial (it had one already).
      await sql.query(`INSERT INTO subscriptions (user_id, plan_code, status, provider, payment_method, current_period_start, current_period_end, trial_start, trial_end)
                       VALUES ($1, 'pro', 'active', 'sandbox', 'tok_visa', $2::timestamptz - interval '1 month', $2, '2000-01-01', '2000-01-02')`, [user.user.id, periodEnd]);
      return user;
    }
    beforeEach(async () => {
      // Only this test's subscription is due: the earlier tests' ones end here.
      await sql.query(`UPDATE subscriptions SET status = 'canceled', ended_at = now() WHERE status NOT IN ('canceled', 'incomplete_expired')`);
    });
    const periodInvoices = async (u: Tokens) => (await sql.query(`SELECT id, number, status FROM invoices WHERE user_id = $1 AND billing_reason = 'subscription_cycle'`, [u.user.id])).rows;

    it('a crash before the invoice commits: nothing was written, the re-run invoices and charges once, the number is not lost', async () => {
      now = new Date('2033-05-01T00:00:00Z');
      const cy = await activeUntil('2033-05-01T00:00:00Z');
      const notify = t.app.get(NotificationsService);
      const realNotify = notify.notify.bind(notify);
      // The process dies while the renewal's transaction is open (after the invoice and its number were written).
      jest.spyOn(notify, 'notify').mockImplementationOnce(() => Promise.reject(new Error('crash inside the renewal transaction')));
      const crashed = await runRenewalJob();
      expect(crashed).toMatchObject({ status: 'ran', run: { outcome: 'failure' } });
      expect(await periodInvoices(cy)).toEqual([]);
      expect(await payments(cy)).toEqual([]);
      expect((await subscription(cy)).currentPeriodEnd).toBe('2033-05-01T00:00:00.000Z');

      jest.spyOn(notify, 'notify').mockImplementation(realNotify);
      const charge = jest.spyOn(t.app.get(PaymentProvider), 'charge');
      await renewals();
      await renewals();
      expect(await periodInvoices(cy)).toEqual([expect.objectContaining({ status: 'paid' })]);
      expect((await payments(cy)).map((p) => p.status)).toEqual(['succeeded']);
      expect(charge).toHaveBeenCalledTimes(1);
      expect(await subscription(cy)).toMatchObject({ status: 'active', currentPeriodEnd: '2033-06-01T00:00:00.000Z' });
      // The rolled-back number was given back: this database's numbers are 1..N without a gap.
      const numbers = (await sql.query(`SELECT number FROM invoices WHERE number LIKE 'INV-2033-%' ORDER BY number`)).rows.map((r: { number: string }) => Number(r.number.slice(-6)));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    });

    it('a crash after the invoice committed but before the charge answered: the re-run charges the same payment with the same key, never a second invoice', async () => {
      now = new Date('2033-07-01T00:00:00Z');
      const dee = await activeUntil('2033-07-01T00:00:00Z');
      const provider = t.app.get(PaymentProvider);
      const charge = jest.spyOn(provider, 'charge').mockImplementationOnce(() => Promise.reject(new Error('the process died during the provider call')));
      expect(await runRenewalJob()).toMatchObject({ status: 'ran', run: { outcome: 'failure' } });
      expect(await periodInvoices(dee)).toEqual([expect.objectContaining({ status: 'open' })]);
      expect((await payments(dee)).map((p) => p.status)).toEqual(['pending']);
      expect(await subscription(dee)).toMatchObject({ status: 'active', currentPeriodEnd: '2033-08-01T00:00:00.000Z' });

      // Re-run (the reconciliation picks up the payment left pending): the same payment, the same key.
      const details = await renewals();
      expect(details).toMatchObject({ renewed: 0, reconciled: 1 });
      await renewals();
      expect(await periodInvoices(dee)).toEqual([expect.objectContaining({ status: 'paid' })]);
      expect((await payments(dee)).map((p) => p.status)).toEqual(['succeeded']);
      const keys = charge.mock.calls.map(([request]: [ChargeRequest]) => request.idempotencyKey);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
    });

    it('a crash after the provider charged but before the answer was recorded: settled once (by the webhook or the re-run), one charge at the provider', async () => {
      now = new Date('2033-09-01T00:00:00Z');
      const eve = await activeUntil('2033-09-01T00:00:00Z');
      const provider = t.app.get(PaymentProvider);
      const realCharge = provider.charge.bind(provider);
      const charge = jest.spyOn(provider, 'charge').mockImplementationOnce(async (request) => {
        await realCharge(request);
        throw new Error('the process died after the provider charged');
      });
      expect(await runRenewalJob()).toMatchObject({ status: 'ran', run: { outcome: 'failure' } });
      await renewals();
      const settled = await waitFor(() => payments(eve), { what: 'the payment settled', until: (p) => p.length === 1 && p[0].status === 'succeeded' });
      expect(settled).toHaveLength(1);
      expect(await periodInvoices(eve)).toEqual([expect.objectContaining({ status: 'paid' })]);
      const references = (await sql.query(`SELECT provider_reference FROM payments WHERE user_id = $1`, [eve.user.id])).rows;
      expect(references).toHaveLength(1);
      expect(new Set(charge.mock.calls.map(([request]: [ChargeRequest]) => request.idempotencyKey)).size).toBe(1);
      expect(await subscription(eve)).toMatchObject({ status: 'active', currentPeriodEnd: '2033-10-01T00:00:00.000Z' });
    });
  });
});
