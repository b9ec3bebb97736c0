import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import Stripe from 'stripe';
import { BillingClock, PaymentProvider, ProviderUnavailableError, WebhooksService } from '@app/billing';
import type { client, Tokens } from './support/auth-client';
import { startBillingApp, stopBillingApp, type BillingApp } from './support/billing-app';
import { waitFor } from './support/wait-for';

const SECRET = 'whsec_sandbox_test_secret';

describe('billing webhooks (e2e)', () => {
  let app: BillingApp;
  let t: BillingApp['t'];
  let api: ReturnType<typeof client>;
  let sql: Client;

  beforeAll(async () => {
    app = await startBillingApp({ env: { BILLING_SANDBOX_WEBHOOK_SECRET: SECRET } });
    ({ t, api, sql } = app);
  });

  afterAll(() => stopBillingApp(app ?? {}));

  const post = async (payload: string, header?: string, provider = 'sandbox') => {
    const res = await fetch(`${t.url}/v1/billing/webhooks/${provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { 'stripe-signature': header } : {}) },
      body: payload,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp });

  const event = (type: string, object: Record<string, unknown>, id = `evt_${randomUUID()}`) =>
    JSON.stringify({ id, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } });

  /** A subscription whose first charge got no answer (provider outage): payment pending, subscription incomplete. */
  async function pendingSubscription(): Promise<{ user: Tokens; payment: { id: string; amount: string; invoice_id: string } }> {
    const user = await api.register();
    jest.spyOn(t.app.get(PaymentProvider), 'charge').mockRejectedValueOnce(new ProviderUnavailableError('sandbox'));
    const res = await api.call('POST', '/v1/billing/subscription', { token: user.accessToken, body: { planCode: 'pro', paymentToken: 'tok_visa' } });
    expect(res.status).toBe(502);
    expect(res.body.type).toMatch(/payment-provider-unavailable$/);
    const [payment] = (await sql.query('SELECT id, amount, invoice_id, status FROM payments WHERE user_id = $1', [user.user.id])).rows;
    expect(payment.status).toBe('pending');
    expect((await api.call('GET', '/v1/billing/subscription', { token: user.accessToken })).body.status).toBe('incomplete');
    return { user, payment };
  }

  const intent = (payment: { id: string; amount: string }, reference: string, extra: Record<string, unknown> = {}) => ({
    id: reference,
    object: 'payment_intent',
    amount: Number(payment.amount),
    currency: 'usd',
    metadata: { payment_id: payment.id },
    ...extra,
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and a missing header with 400; unknown providers 404', async () => {
    const payload = event('payment_intent.succeeded', { id: 'pi_x', object: 'payment_intent' });
    const good = sign(payload);
    const tampered = await post(payload.replace('pi_x', 'pi_y'), good);
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatchObject({ type: expect.stringMatching(/webhook-signature-invalid$/), reason: 'mismatch' });
    expect((await post(payload, sign(payload, { secret: 'whsec_someone_else' }))).body).toMatchObject({ status: 400, reason: 'mismatch' });
    const stale = await post(payload, sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect(stale.status).toBe(400);
    expect(stale.body.reason).toBe('stale');
    expect((await post(payload)).body).toMatchObject({ status: 400, reason: 'missing' });
    expect((await post('{"not":"an event"}', sign('{"not":"an event"}'))).body).toMatchObject({ status: 400, reason: 'malformed' });
    expect((await post(payload, good, 'paypal')).status).toBe(404);
    // The stripe endpoint exists only when STRIPE_SECRET_KEY is set.
    expect((await post(payload, good, 'stripe')).status).toBe(404);
    expect(Number((await sql.query('SELECT count(*) AS n FROM billing_webhook_events')).rows[0].n)).toBe(0);

    // Secret rotation: any of several v1 signatures may match.
    const rotated = good.replace(/,v1=/, `,v1=${'0'.repeat(64)},v1=`);
    const accepted = await post(payload, rotated);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: true, duplicate: false, outcome: expect.stringMatching(/^waiting/) });
  });

  it('the sandbox emits its events through the signed webhook path after a charge', async () => {
    const user = await api.register();
    const res = await api.call('POST', '/v1/billing/subscription', { token: user.accessToken, body: { planCode: 'pro', paymentToken: 'tok_visa' } });
    expect(res.status).toBe(201);
    const [payment] = (await sql.query('SELECT id, provider_reference FROM payments WHERE user_id = $1', [user.user.id])).rows;
    const row = await waitFor(
      async () => (await sql.query(`SELECT type, processed_at, outcome, payload FROM billing_webhook_events WHERE provider = 'sandbox' AND payload->'data'->'object'->>'id' = $1`, [payment.provider_reference])).rows[0],
      { what: 'the sandbox event of the charge', until: (r) => Boolean(r?.processed_at) },
    );
    expect(row.type).toBe('payment_intent.succeeded');
    // The synchronous answer settled the payment first; the event found it settled.
    expect(row.outcome).toBe(`payment ${payment.id} succeeded`);
  });

  it('settles a pending payment from its event, once however often it is delivered', async () => {
    const { user, payment } = await pendingSubscription();
    const payload = event('payment_intent.succeeded', intent(payment, 'sb_ch_outage1', { status: 'succeeded' }));
    const deliveries = await Promise.all([1, 2, 3].map(() => post(payload, sign(payload))));
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(deliveries.filter((d) => d.body.duplicate === false)).toHaveLength(1);
    expect((await post(payload, sign(payload))).body).toMatchObject({ duplicate: true, outcome: `payment ${payment.id} succeeded` });

    expect((await api.call('GET', '/v1/billing/subscription', { token: user.accessToken })).body).toMatchObject({ status: 'active', failureCode: null });
    expect((await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: user.accessToken })).body).toMatchObject({ status: 'succeeded' });
    expect((await api.call('GET', `/v1/billing/invoices/${payment.invoice_id}`, { token: user.accessToken })).body).toMatchObject({ status: 'paid' });
    const succeeded = await sql.query(`SELECT count(*) AS n FROM audit_logs WHERE action = 'billing.payment.succeed' AND entity_id = $1`, [payment.id]);
    expect(Number(succeeded.rows[0].n)).toBe(1);
  });

  it('ends correctly when events arrive in the wrong order: a refund before the success, a late failure', async () => {
    const { user, payment } = await pendingSubscription();
    const reference = 'sb_ch_outage2';
    const refunded = (total: number) => event('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: reference, amount_refunded: total, currency: 'usd', metadata: { payment_id: payment.id } });

    // The refund comes first: it proves the charge succeeded.
    const first = refunded(500);
    expect((await post(first, sign(first))).status).toBe(200);
    let seen = await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: user.accessToken });
    expect(seen.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 500 });
    expect((await api.call('GET', '/v1/billing/subscription', { token: user.accessToken })).body.status).toBe('active');

    // Then the success, a late failure, and an older, smaller refund total: none moves it back.
    const success = event('payment_intent.succeeded', intent(payment, reference, { status: 'succeeded' }));
    const failure = event('payment_intent.payment_failed', intent(payment, reference, { last_payment_error: { code: 'card_declined', message: 'Declined' } }));
    const older = refunded(300);
    for (const p of [success, failure, older]) expect((await post(p, sign(p))).status).toBe(200);
    seen = await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: user.accessToken });
    expect(seen.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 500, failureCode: null });

    // The rest of the refund arrives: refunded in full; a total above the amount is capped at it.
    const all = refunded(Number(payment.amount) + 999);
    expect((await post(all, sign(all))).status).toBe(200);
    seen = await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: user.accessToken });
    expect(seen.body).toMatchObject({ status: 'refunded', amountRefunded: Number(payment.amount) });
  });

  it('keeps an event about a payment it does not know yet waiting, and ignores types it does not handle', async () => {
    const unknown = event('payment_intent.succeeded', { id: 'pi_from_elsewhere', object: 'payment_intent', currency: 'usd', metadata: {} });
    const res = await post(unknown, sign(unknown));
    expect(res.body).toMatchObject({ received: true, duplicate: false, outcome: expect.stringMatching(/^waiting/) });
    const id = JSON.parse(unknown).id as string;
    const [row] = (await sql.query('SELECT processed_at, attempts FROM billing_webhook_events WHERE event_id = $1', [id])).rows;
    expect(row).toEqual({ processed_at: null, attempts: 1 });

    const other = event('customer.created', { id: 'cus_1', object: 'customer' });
    expect((await post(other, sign(other))).body).toMatchObject({ duplicate: false, outcome: 'ignored: customer.created is not handled' });
  });

  it('records a chargeback from charge.dispute.* events in any order (a closed dispute is not reopened by an older event)', async () => {
    const user = await api.register();
    expect((await api.call('POST', '/v1/billing/subscription', { token: user.accessToken, body: { planCode: 'pro', paymentToken: 'tok_visa' } })).status).toBe(201);
    const [payment] = (await sql.query('SELECT id, amount, provider_reference FROM payments WHERE user_id = $1', [user.user.id])).rows;
    const reference = payment.provider_reference as string;
    // Stripe's dispute names the payment intent, not our metadata.
    const dispute = (type: string, status: string) =>
      event(type, { id: 'dp_1', object: 'dispute', charge: 'ch_d1', payment_intent: reference, amount: Number(payment.amount), currency: 'usd', reason: 'fraudulent', status, metadata: {} });
    // The closing event comes first.
    const closed = dispute('charge.dispute.closed', 'lost');
    expect((await post(closed, sign(closed))).body).toMatchObject({ duplicate: false, outcome: `payment ${payment.id} disputed: lost` });
    for (const older of [dispute('charge.dispute.created', 'needs_response'), dispute('charge.dispute.updated', 'under_review')]) {
      expect((await post(older, sign(older))).status).toBe(200);
    }
    const seen = (await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: user.accessToken })).body;
    expect(seen).toMatchObject({ status: 'succeeded', dispute: { status: 'lost', amount: Number(payment.amount), reason: 'fraudulent' } });
    const audited = await sql.query(`SELECT after FROM audit_logs WHERE action = 'billing.payment.dispute' AND entity_id = $1`, [payment.id]);
    expect(audited.rows).toEqual([{ after: expect.objectContaining({ status: 'lost' }) }]);

    // A dispute about a payment we do not have yet waits, like the other payment events.
    const early = event('charge.dispute.created', { id: 'dp_2', object: 'dispute', payment_intent: 'pi_not_yet', amount: 100, currency: 'usd', status: 'needs_response' });
    expect((await post(early, sign(early))).body.outcome).toMatch(/^waiting/);
  });

  it('settles from charge.succeeded / payment_intent.canceled, and from a provider invoice only when it names a payment of ours', async () => {
    const a = await pendingSubscription();
    const charge = event('charge.succeeded', { id: 'ch_a', object: 'charge', payment_intent: 'sb_ch_charge_a', amount: Number(a.payment.amount), currency: 'usd', metadata: { payment_id: a.payment.id } });
    expect((await post(charge, sign(charge))).body).toMatchObject({ outcome: `payment ${a.payment.id} succeeded` });
    expect((await api.call('GET', '/v1/billing/subscription', { token: a.user.accessToken })).body.status).toBe('active');

    const b = await pendingSubscription();
    const canceled = event('payment_intent.canceled', intent(b.payment, 'sb_ch_canceled_b', { status: 'canceled', cancellation_reason: 'abandoned' }));
    expect((await post(canceled, sign(canceled))).body).toMatchObject({ outcome: `payment ${b.payment.id} failed` });
    expect((await api.call('GET', `/v1/billing/payments/${b.payment.id}`, { token: b.user.accessToken })).body).toMatchObject({ status: 'failed', failureCode: 'canceled', failureReason: 'The payment was canceled (abandoned)' });
    expect((await api.call('GET', '/v1/billing/subscription', { token: b.user.accessToken })).body).toMatchObject({ status: 'incomplete', failureCode: 'canceled' });

    const c = await pendingSubscription();
    const paid = event('invoice.payment_succeeded', { id: 'in_c', object: 'invoice', payment_intent: 'sb_ch_invoice_c', currency: 'usd' });
    // Not ours (no payment has this payment intent yet, and no metadata): acknowledged, not waiting.
    expect((await post(paid, sign(paid))).body).toMatchObject({ outcome: expect.stringMatching(/^ignored: invoice.payment_succeeded names no payment of ours/) });
    await sql.query('UPDATE payments SET provider_reference = $2 WHERE id = $1', [c.payment.id, 'sb_ch_invoice_c']);
    const paidAgain = event('invoice.paid', { id: 'in_c', object: 'invoice', payment_intent: 'sb_ch_invoice_c', currency: 'usd' });
    expect((await post(paidAgain, sign(paidAgain))).body).toMatchObject({ outcome: `payment ${c.payment.id} succeeded` });

    // Subscriptions are Clearmark's own: provider subscription events are stored, acknowledged and explained.
    const deleted = event('customer.subscription.deleted', { id: 'sub_1', object: 'subscription', status: 'canceled' });
    const receipt = await post(deleted, sign(deleted));
    expect(receipt).toMatchObject({ status: 200, body: { duplicate: false, outcome: expect.stringMatching(/^ignored: customer.subscription.deleted: subscriptions are Clearmark's own/) } });
    const [row] = (await sql.query('SELECT type, processed_at FROM billing_webhook_events WHERE event_id = $1', [JSON.parse(deleted).id])).rows;
    expect(row.type).toBe('customer.subscription.deleted');
    expect(row.processed_at).not.toBeNull();
  });

  it('closes an event still about nothing of ours 72 hours after it arrived, so it stops taking the job batch', async () => {
    const lost = event('payment_intent.succeeded', { id: 'pi_never_ours', object: 'payment_intent', currency: 'usd', metadata: {} });
    expect((await post(lost, sign(lost))).body.outcome).toMatch(/^waiting/);
    const id = JSON.parse(lost).id as string;
    const clock = t.app.get(BillingClock);
    jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + 71 * 3_600_000));
    await t.app.get(WebhooksService).retryWaiting();
    expect((await sql.query('SELECT processed_at FROM billing_webhook_events WHERE event_id = $1', [id])).rows[0].processed_at).toBeNull();
    jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + 73 * 3_600_000));
    await t.app.get(WebhooksService).retryWaiting();
    const [row] = (await sql.query('SELECT processed_at, outcome FROM billing_webhook_events WHERE event_id = $1', [id])).rows;
    expect(row.processed_at).not.toBeNull();
    expect(row.outcome).toMatch(/^gave up: no payment of ours matches this payment intent yet after 72 h$/);
    jest.mocked(clock.now).mockRestore();
  });
});
