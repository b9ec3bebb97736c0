import type { Client } from 'pg';
import type { Tokens, client } from './support/auth-client';
import { billingViews, runRenewals, startBillingApp, stopBillingApp, type BillingApp } from './support/billing-app';

const DAY = 86_400_000;

describe('billing lifecycle: renewals, retries, plan changes, cancel, refunds (e2e)', () => {
  let app: BillingApp;
  let t: BillingApp['t'];
  let api: ReturnType<typeof client>;
  let sql: Client;
  let now = new Date('2032-01-10T00:00:00Z');
  let admin: Tokens;

  beforeAll(async () => {
    app = await startBillingApp({ env: { BILLING_TAX_RATE_BPS: '1000' }, clock: () => now, admin: true });
    ({ t, api, sql, admin } = app);
  });

  afterAll(() => stopBillingApp(app ?? {}));

  const renewals = () => runRenewals(t);
  const views = () => billingViews(api, sql);
  const subscription = (u: Tokens) => views().subscription(u);
  const invoices = (u: Tokens) => views().invoices(u);
  const payments = (u: Tokens) => views().payments(u);
  const notificationTypes = async (u: Tokens) => (await views().notifications(u)).map((n) => n.type as string);
  const setCard = (u: Tokens, token: string) => views().setCard(u, token);

  async function subscribed(plan = 'pro'): Promise<Tokens> {
    const user = await api.register();
    const res = await api.call('POST', '/v1/billing/subscription', { token: user.accessToken, body: { planCode: plan, paymentToken: 'tok_visa' } });
    expect(res.body.status).toBe('active');
    return user;
  }

  it('renewal fails -> past_due with a retry a day later -> the retry succeeds -> active; a re-run invoices nothing twice', async () => {
    now = new Date('2032-01-10T00:00:00Z');
    const ada = await subscribed();
    expect((await subscription(ada)).currentPeriodEnd).toBe('2032-02-10T00:00:00.000Z');
    await setCard(ada, 'tok_chargeDeclined');

    now = new Date('2032-02-10T00:00:01Z');
    await renewals();
    let sub = await subscription(ada);
    expect(sub).toMatchObject({ status: 'past_due', failureCode: 'card_declined', nextRetryAt: '2032-02-11T00:00:01.000Z', currentPeriodStart: '2032-02-10T00:00:00.000Z', currentPeriodEnd: '2032-03-10T00:00:00.000Z' });
    expect(await invoices(ada)).toHaveLength(2);
    expect(await notificationTypes(ada)).toEqual(expect.arrayContaining(['billing.invoice-issued', 'billing.payment-failed', 'billing.retry-scheduled']));

    // The same run again (a crashed run re-run): no second invoice, no second charge.
    await renewals();
    expect(await invoices(ada)).toHaveLength(2);
    expect(await payments(ada)).toHaveLength(2);

    // Not due yet: nothing.
    now = new Date('2032-02-10T12:00:00Z');
    await renewals();
    expect(await payments(ada)).toHaveLength(2);

    await setCard(ada, 'tok_visa');
    now = new Date('2032-02-11T00:00:02Z');
    await renewals();
    sub = await subscription(ada);
    expect(sub).toMatchObject({ status: 'active', failureCode: null, nextRetryAt: null, currentPeriodEnd: '2032-03-10T00:00:00.000Z' });
    const [latest] = await invoices(ada);
    expect(latest).toMatchObject({ status: 'paid', total: 2090 });
    expect((await payments(ada)).map((p) => p.status)).toEqual(['succeeded', 'failed', 'succeeded']);
  });

  it('retries after 1, 3 and 5 days, then unpaid; a new card pays the open invoice and reactivates', async () => {
    now = new Date('2032-01-10T00:00:00Z');
    const bob = await subscribed();
    await setCard(bob, 'tok_insufficientFunds');
    const failedAt = new Date('2032-02-10T00:00:00Z');
    now = failedAt;
    await renewals();
    const expected = [1, 3, 5].map((d) => new Date(failedAt.getTime() + d * DAY).toISOString());
    expect((await subscription(bob)).nextRetryAt).toBe(expected[0]);
    now = new Date(expected[0]);
    await renewals();
    expect(await subscription(bob)).toMatchObject({ status: 'past_due', nextRetryAt: expected[1] });
    now = new Date(expected[1]);
    await renewals();
    expect(await subscription(bob)).toMatchObject({ status: 'past_due', nextRetryAt: expected[2] });
    now = new Date(expected[2]);
    await renewals();
    expect(await subscription(bob)).toMatchObject({ status: 'unpaid', nextRetryAt: null, failureCode: 'insufficient_funds' });
    expect(await notificationTypes(bob)).toContain('billing.subscription-ended');
    expect((await payments(bob)).filter((p) => p.status === 'failed')).toHaveLength(4);
    expect((await invoices(bob))[0].status).toBe('open');

    // Nothing more is tried on its own.
    now = new Date(now.getTime() + 10 * DAY);
    await renewals();
    expect((await payments(bob)).length).toBe(5);

    const res = await api.call('PATCH', '/v1/billing/subscription', { token: bob.accessToken, body: { paymentToken: 'tok_visa' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', failureCode: null });
    expect((await invoices(bob))[0].status).toBe('paid');
  });

  it('upgrades mid-period with proration exact to the minor unit, on one invoice; downgrades at period end', async () => {
    now = new Date('2032-03-01T00:00:00Z'); // the period: March, 31 days
    const cy = await subscribed('pro');
    now = new Date('2032-03-11T00:00:00Z'); // 21 of 31 days left
    const res = await api.call('PATCH', '/v1/billing/subscription', { token: cy.accessToken, body: { planCode: 'business' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plan: { code: 'business' }, status: 'active', currentPeriodEnd: '2032-04-01T00:00:00.000Z', pendingPlanCode: null });
    const [upgrade] = await invoices(cy);
    // Credit: 1900 x 21/31 = 1287.10 -> 1287; charge: 9900 x 21/31 = 6706.45 -> 6706; tax 10 % of 5419 = 541.9 -> 542.
    expect(upgrade.lines).toEqual([
      expect.objectContaining({ description: 'Unused time on Pro plan', amount: -1287, periodStart: '2032-03-11T00:00:00.000Z', periodEnd: '2032-04-01T00:00:00.000Z' }),
      expect.objectContaining({ description: 'Remaining time on Business plan', amount: 6706 }),
    ]);
    expect(upgrade).toMatchObject({ subtotal: 5419, tax: 542, total: 5961, status: 'paid', amountPaid: 5961 });

    // Downgrade: at the end of the period.
    const down = await api.call('PATCH', '/v1/billing/subscription', { token: cy.accessToken, body: { planCode: 'pro' } });
    expect(down.body).toMatchObject({ plan: { code: 'business' }, pendingPlanCode: 'pro' });
    now = new Date('2032-04-01T00:00:00Z');
    await renewals();
    expect(await subscription(cy)).toMatchObject({ plan: { code: 'pro' }, pendingPlanCode: null, status: 'active', currentPeriodEnd: '2032-05-01T00:00:00.000Z' });
    expect((await invoices(cy))[0]).toMatchObject({ total: 2090, status: 'paid' });

    // A declined upgrade: 402, nothing changes, its invoice is void.
    await setCard(cy, 'tok_chargeDeclined');
    now = new Date('2032-04-16T00:00:00Z');
    const declined = await api.call('PATCH', '/v1/billing/subscription', { token: cy.accessToken, body: { planCode: 'business' } });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ failureCode: 'card_declined' });
    expect(await subscription(cy)).toMatchObject({ plan: { code: 'pro' }, status: 'active' });
    expect((await invoices(cy))[0].status).toBe('void');

    expect((await api.call('PATCH', '/v1/billing/subscription', { token: cy.accessToken, body: {} })).status).toBe(400);
    expect((await api.call('PATCH', '/v1/billing/subscription', { token: cy.accessToken, body: { planCode: 'free' } })).status).toBe(400);
  });

  it('cancels at period end (ends at the renewal run) or now; an incomplete start expires after 23 hours', async () => {
    now = new Date('2032-05-01T00:00:00Z');
    const dee = await subscribed();
    const atEnd = await api.call('POST', '/v1/billing/subscription/cancel', { token: dee.accessToken, body: { atPeriodEnd: true } });
    expect(atEnd.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    now = new Date('2032-06-01T00:00:00Z');
    await renewals();
    expect(await subscription(dee)).toMatchObject({ status: 'canceled', endedAt: '2032-06-01T00:00:00.000Z' });
    expect(await invoices(dee)).toHaveLength(1);
    expect((await api.call('POST', '/v1/billing/subscription/cancel', { token: dee.accessToken, body: { atPeriodEnd: false } })).status).toBe(404);

    const eve = await subscribed();
    const nowCancel = await api.call('POST', '/v1/billing/subscription/cancel', { token: eve.accessToken, body: { atPeriodEnd: false } });
    expect(nowCancel.body).toMatchObject({ status: 'canceled', endedAt: now.toISOString() });
    expect((await api.call('POST', '/v1/billing/subscription/cancel', { token: eve.accessToken, body: { atPeriodEnd: 'yes' } })).status).toBe(400);

    const fay = await api.register();
    await api.call('POST', '/v1/billing/subscription', { token: fay.accessToken, body: { planCode: 'pro', paymentToken: 'tok_chargeDeclined' } });
    now = new Date(now.getTime() + 22 * 3_600_000);
    await renewals();
    expect((await subscription(fay)).status).toBe('incomplete');
    now = new Date(now.getTime() + 2 * 3_600_000);
    await renewals();
    expect(await subscription(fay)).toMatchObject({ status: 'incomplete_expired' });
    expect((await invoices(fay))[0].status).toBe('void');
    // Over: a new subscription may start.
    expect((await api.call('POST', '/v1/billing/subscription', { token: fay.accessToken, body: { planCode: 'pro', paymentToken: 'tok_visa' } })).body.status).toBe('active');
  });

  it('refunds in part and in full, never more than paid; admins only', async () => {
    now = new Date('2032-07-01T00:00:00Z');
    const gus = await subscribed();
    const [payment] = await payments(gus);
    const refund = (amount: unknown, token = admin.accessToken, headers: Record<string, string> = {}) =>
      api.call('POST', `/v1/admin/billing/payments/${payment.id as string}/refund`, { token, body: { amount }, headers });
    expect((await refund(100, gus.accessToken)).status).toBe(403);
    const over = await refund(2091);
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ refundable: 2090 });
    for (const bad of [0, -5, 1.5, '100']) expect((await refund(bad)).status).toBe(400);

    // Two concurrent partial refunds that together exceed what was paid: one goes through.
    const both = await Promise.all([refund(1500), refund(1500)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 422]);
    expect((await api.call('GET', `/v1/billing/payments/${payment.id as string}`, { token: gus.accessToken })).body).toMatchObject({ status: 'partially_refunded', amountRefunded: 1500 });

    const key = { 'idempotency-key': 'refund-rest-1' };
    const rest = await refund(590, admin.accessToken, key);
    expect(rest.body).toMatchObject({ status: 'refunded', amountRefunded: 2090 });
    expect((await refund(590, admin.accessToken, key)).headers.get('idempotent-replayed')).toBe('true');
    const after = await refund(1);
    expect(after.status).toBe(409);
    expect((await api.call('POST', '/v1/admin/billing/payments/00000000-0000-4000-8000-000000000000/refund', { token: admin.accessToken, body: { amount: 1 } })).status).toBe(404);
    const audited = await sql.query(`SELECT count(*) AS n FROM audit_logs WHERE action = 'billing.payment.refund' AND entity_id = $1`, [payment.id]);
    expect(Number(audited.rows[0].n)).toBe(2);
  });
});
