import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { BillingClock, type ChargeRequest, IdempotencyKeysRepository, PaymentProvider } from '@app/billing';
import { JobsService } from '@app/jobs';
import type { client, Tokens } from './support/auth-client';
import { startBillingApp, stopBillingApp, type BillingApp } from './support/billing-app';
import { waitFor } from './support/wait-for';

describe('billing subscriptions, payments and Idempotency-Key (e2e)', () => {
  let app: BillingApp;
  let t: BillingApp['t'];
  let api: ReturnType<typeof client>;
  let sql: Client;

  beforeAll(async () => {
    app = await startBillingApp({ env: { BILLING_TAX_RATE_BPS: '1000', BILLING_IDEMPOTENCY_LOCK_TIMEOUT_S: '6' } });
    ({ t, api, sql } = app);
  });

  afterAll(() => stopBillingApp(app ?? {}));

  const subscribe = (user: Tokens, body: Record<string, unknown>, key?: string) =>
    api.call('POST', '/v1/billing/subscription', { token: user.accessToken, body, headers: key ? { 'idempotency-key': key } : {} });

  const count = async (table: string, userId: string): Promise<number> =>
    Number((await sql.query(`SELECT count(*) AS n FROM ${table} WHERE user_id = $1`, [userId])).rows[0].n);

  it('subscribes with a good card: first invoice paid, payment succeeded, subscription active, all audited', async () => {
    const ada = await api.register();
    expect((await api.call('GET', '/v1/billing/subscription', { token: ada.accessToken })).status).toBe(404);

    const res = await subscribe(ada, { planCode: 'pro', paymentToken: 'tok_visa' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', plan: { code: 'pro' }, cancelAtPeriodEnd: false, failureCode: null });
    const start = new Date(res.body.currentPeriodStart as string);
    const end = new Date(res.body.currentPeriodEnd as string);
    expect(end.getUTCMonth()).toBe((start.getUTCMonth() + 1) % 12);

    const current = await api.call('GET', '/v1/billing/subscription', { token: ada.accessToken });
    expect(current.status).toBe(200);
    expect(current.body.id).toBe(res.body.id);

    const payments = await api.call('GET', '/v1/billing/payments', { token: ada.accessToken });
    expect(payments.status).toBe(200);
    const data = payments.body.data as Array<Record<string, unknown>>;
    expect(data).toHaveLength(1);
    // 1900 + 10 % tax, in integer minor units.
    expect(data[0]).toMatchObject({ amount: 2090, amountRefunded: 0, currency: 'USD', status: 'succeeded', provider: 'sandbox', failureCode: null, failureReason: null });

    const invoice = await api.call('GET', `/v1/billing/invoices/${data[0].invoiceId as string}`, { token: ada.accessToken });
    expect(invoice.body).toMatchObject({ status: 'paid', subtotal: 1900, tax: 190, total: 2090, amountPaid: 2090 });
    expect(invoice.body.paidAt).not.toBeNull();
    expect(invoice.body.number).toMatch(/^INV-\d{4}-\d{6}$/);

    const one = await api.call('GET', `/v1/billing/payments/${data[0].id as string}`, { token: ada.accessToken });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(data[0]);

    const audited = await sql.query(`SELECT action FROM audit_logs WHERE entity_id IN ($1, $2, $3) ORDER BY seq`, [res.body.id, data[0].id, data[0].invoiceId]);
    expect(audited.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['billing.subscription.create', 'billing.invoice.draft', 'billing.invoice.finalize', 'billing.payment.create', 'billing.payment.succeed', 'billing.invoice.pay', 'billing.subscription.status']),
    );

    // One open subscription per user.
    const again = await subscribe(ada, { planCode: 'business', paymentToken: 'tok_visa' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ currentStatus: 'active' });
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_insufficientFunds', 'insufficient_funds'],
  ])('leaves the subscription incomplete with the reason when %s is declined', async (paymentToken, failureCode) => {
    const bob = await api.register();
    const res = await subscribe(bob, { planCode: 'pro', paymentToken });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'incomplete', failureCode });
    expect(res.body.failureMessage).toEqual(expect.any(String));

    const payments = (await api.call('GET', '/v1/billing/payments', { token: bob.accessToken })).body.data as Array<Record<string, unknown>>;
    expect(payments).toEqual([expect.objectContaining({ status: 'failed', failureCode, failureReason: expect.any(String) })]);
    const invoice = await api.call('GET', `/v1/billing/invoices/${payments[0].invoiceId as string}`, { token: bob.accessToken });
    expect(invoice.body).toMatchObject({ status: 'open', amountPaid: 0, paidAt: null });
    const [row] = (await sql.query('SELECT incomplete_expires_at, created_at FROM subscriptions WHERE user_id = $1', [bob.user.id])).rows;
    expect(row.incomplete_expires_at.getTime() - row.created_at.getTime()).toBeGreaterThan(22.9 * 3600_000);
  });

  it('refuses bad input with 400 problem+json, and another user’s payment with 404', async () => {
    const cy = await api.register();
    for (const body of [
      { planCode: 'free', paymentToken: 'tok_visa' },
      { planCode: 'platinum', paymentToken: 'tok_visa' },
      { planCode: 'pro', paymentToken: '4242 4242 4242 4242' },
      { planCode: 'pro' },
      { planCode: 'pro', paymentToken: 'tok_visa', extra: 1 },
    ]) {
      const res = await subscribe(cy, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await subscribe(cy, { planCode: 'pro', paymentToken: 'tok_visa' }, 'bad key with spaces')).status).toBe(400);
    expect(await count('subscriptions', cy.user.id)).toBe(0);

    const dee = await api.register();
    await subscribe(dee, { planCode: 'pro', paymentToken: 'tok_visa' });
    const [payment] = (await api.call('GET', '/v1/billing/payments', { token: dee.accessToken })).body.data as Array<{ id: string }>;
    const other = await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: cy.accessToken });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.call('GET', `/v1/billing/payments/${randomUUID()}`, { token: dee.accessToken })).status).toBe(404);
    expect((await api.call('GET', '/v1/billing/payments/nope', { token: dee.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/v1/billing/payments', { token: cy.accessToken })).body.data).toEqual([]);
  });

  it('20 parallel subscribes with one Idempotency-Key: one subscription, one payment, the rest replay or 409', async () => {
    const eve = await api.register();
    const key = randomUUID();
    const body = { planCode: 'pro', paymentToken: 'tok_visa' };
    const results = await Promise.all(Array.from({ length: 20 }, () => subscribe(eve, body, key)));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.type).toMatch(/idempotency-key-in-flight$/);
    expect(await count('subscriptions', eve.user.id)).toBe(1);
    expect(await count('payments', eve.user.id)).toBe(1);

    // Replays after the fact: same status and body, marked as replayed.
    const replay = await subscribe(eve, body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(created[0].body);
    // Key order does not make another request.
    expect((await subscribe(eve, { paymentToken: 'tok_visa', planCode: 'pro' }, key)).status).toBe(201);

    // The same key with another body: 422, nothing done.
    const other = await subscribe(eve, { planCode: 'business', paymentToken: 'tok_visa' }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    expect(await count('payments', eve.user.id)).toBe(1);

    // Keys are per user: another user's identical key is a new request.
    const fay = await api.register();
    expect((await subscribe(fay, body, key)).status).toBe(201);
    expect(await count('subscriptions', fay.user.id)).toBe(1);

    // The provider call carried the key.
    const [payment] = (await sql.query('SELECT provider_idempotency_key FROM payments WHERE user_id = $1', [eve.user.id])).rows;
    const [invoice] = (await sql.query('SELECT id FROM invoices WHERE user_id = $1', [eve.user.id])).rows;
    expect(payment.provider_idempotency_key).toBe(`${eve.user.id}:${key}:invoice:${invoice.id}`);
  });

  it('gives the key back when the handler fails, and forgets keys after 24 hours (expiry job)', async () => {
    const gus = await api.register();
    const key = randomUUID();
    const keys = async () => Number((await sql.query('SELECT count(*) AS n FROM idempotency_keys WHERE user_id = $1', [gus.user.id])).rows[0].n);
    // Refused by the service (unknown plan): nothing is stored, so the corrected request may use the key.
    expect((await subscribe(gus, { planCode: 'platinum', paymentToken: 'tok_visa' }, key)).status).toBe(400);
    expect(await keys()).toBe(0);
    const first = await subscribe(gus, { planCode: 'pro', paymentToken: 'tok_visa' }, key);
    expect(first.status).toBe(201);
    expect(await keys()).toBe(1);

    // A day later the key is forgotten: the same key is a new request (here: refused, one subscription is open).
    await sql.query(`UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' WHERE user_id = $1`, [gus.user.id]);
    const later = await subscribe(gus, { planCode: 'business', paymentToken: 'tok_visa' }, key);
    expect(later.status).toBe(409);
    expect(later.body.type).toMatch(/subscription-exists$/);
    // ...and once that subscription has ended, the forgotten key starts a new, paid subscription:
    // a new provider call with its own provider key, not a duplicate-key 500.
    expect((await api.call('POST', '/v1/billing/subscription/cancel', { token: gus.accessToken, body: { atPeriodEnd: false } })).status).toBe(200);
    await sql.query(`UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' WHERE user_id = $1`, [gus.user.id]);
    const again = await subscribe(gus, { planCode: 'pro', paymentToken: 'tok_visa' }, key);
    expect(again.status).toBe(201);
    const paid = (await sql.query(`SELECT provider_idempotency_key FROM payments WHERE user_id = $1 AND status = 'succeeded'`, [gus.user.id])).rows;
    expect(paid).toHaveLength(2);
    expect(new Set(paid.map((p: { provider_idempotency_key: string }) => p.provider_idempotency_key)).size).toBe(2);

    await sql.query(`INSERT INTO idempotency_keys (user_id, key, request_hash, status, response_status, response_body, created_at)
                     VALUES ($1, 'old', 'x', 'completed', 201, '{}', now() - interval '25 hours')`, [gus.user.id]);
    const run = await t.app.get(JobsService).runNow('billing-idempotency-keys-expiry');
    expect(run).toMatchObject({ status: 'ran', run: { outcome: 'success' } });
    // The expired keys are gone; the one the last subscribe stored a moment ago stays.
    expect(await keys()).toBe(1);
  });

  describe('a request whose process died holding its Idempotency-Key', () => {
    afterEach(() => jest.restoreAllMocks());
    const later = (ms: number) => jest.spyOn(t.app.get(BillingClock), 'now').mockReturnValue(new Date(Date.now() + ms));

    it('stays 409 while its lock is fresh; once stale, a retry takes it over and resumes: the same payment and provider key, no second subscription', async () => {
      const user = await api.register();
      const key = randomUUID();
      const body = { planCode: 'pro', paymentToken: 'tok_visa' };
      const provider = t.app.get(PaymentProvider);
      const charge = jest.spyOn(provider, 'charge').mockRejectedValueOnce(new Error('the process died during the provider call'));
      // A dead process neither answers nor gives its key back.
      jest.spyOn(t.app.get(IdempotencyKeysRepository), 'release').mockResolvedValueOnce();
      expect((await subscribe(user, body, key)).status).toBe(500);
      expect(await count('subscriptions', user.user.id)).toBe(1);
      expect((await sql.query('SELECT status FROM payments WHERE user_id = $1', [user.user.id])).rows).toEqual([{ status: 'pending' }]);

      const inFlight = await subscribe(user, body, key);
      expect(inFlight.status).toBe(409);
      expect(inFlight.body.type).toMatch(/idempotency-key-in-flight$/);
      expect((await subscribe(user, { ...body, planCode: 'business' }, key)).status).toBe(422);

      // Past BILLING_IDEMPOTENCY_LOCK_TIMEOUT_S (6 s) without a heartbeat: the retry takes over and resumes.
      later(7_000);
      const resumed = await subscribe(user, body, key);
      expect(resumed.status).toBe(201);
      expect(resumed.body).toMatchObject({ status: 'active', plan: { code: 'pro' } });
      expect(await count('subscriptions', user.user.id)).toBe(1);
      expect(await count('invoices', user.user.id)).toBe(1);
      expect((await sql.query('SELECT status FROM payments WHERE user_id = $1', [user.user.id])).rows).toEqual([{ status: 'succeeded' }]);
      const keys = charge.mock.calls.map(([request]: [ChargeRequest]) => request.idempotencyKey);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);

      const replay = await subscribe(user, body, key);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(resumed.body.id);
    });

    it('a slow but live request renews its lock: a retry past the timeout still gets 409, then the replay', async () => {
      const user = await api.register();
      const key = randomUUID();
      const body = { planCode: 'pro', paymentToken: 'tok_visa' };
      const provider = t.app.get(PaymentProvider);
      const realCharge = provider.charge.bind(provider);
      let answer: () => void = () => undefined;
      jest.spyOn(provider, 'charge').mockImplementationOnce((request: ChargeRequest) => new Promise((resolve) => (answer = () => resolve(realCharge(request)))));
      const first = subscribe(user, body, key);
      await waitFor(async () => (await sql.query('SELECT 1 FROM payments WHERE user_id = $1', [user.user.id])).rowCount, { what: 'the first request at the provider' });

      const clock = new Date(Date.now() + 7_000);
      jest.spyOn(t.app.get(BillingClock), 'now').mockReturnValue(clock);
      // Its heartbeat (every third of the timeout) renews the lock while it waits for the provider.
      await waitFor(async () => (await sql.query('SELECT locked_at FROM idempotency_keys WHERE user_id = $1 AND key = $2', [user.user.id, key])).rows[0]?.locked_at as Date, {
        what: 'the lock renewed by the heartbeat',
        until: (at) => Boolean(at) && at.getTime() >= clock.getTime(),
      });
      expect((await subscribe(user, body, key)).status).toBe(409);

      answer();
      const done = await first;
      expect(done.status).toBe(201);
      expect(done.body.status).toBe('active');
      const replay = await subscribe(user, body, key);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await count('payments', user.user.id)).toBe(1);
    });
  });
});
