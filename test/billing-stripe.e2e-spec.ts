import { Client } from 'pg';
import Stripe from 'stripe';
import { ProviderUnavailableError, RefundRefusedError, StripePaymentProvider } from '@app/billing';
import { client } from './support/auth-client';
import { type FakeStripeRequest, startFakeStripe } from './support/fake-stripe-server';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const origin = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), protocol: 'http' as const };
};

describe('the stripe provider, against a fake Stripe API on loopback', () => {
  it('charges a token through a PaymentMethod and a confirmed PaymentIntent, each call carrying the idempotency key', async () => {
    const fake = await startFakeStripe();
    try {
      const stripe = new StripePaymentProvider({ secretKey: 'sk_test_fake', api: origin(fake.url) });
      const result = await stripe.charge({ amount: 2090n, currency: 'USD', paymentMethod: 'tok_visa', idempotencyKey: 'user-1:key-1', description: 'Invoice', metadata: { payment_id: 'p1', invoice_id: 'i1' } });
      expect(result).toEqual({ outcome: 'succeeded', reference: expect.stringMatching(/^pi_fake_/) });
      const [method, intent] = fake.requests;
      expect(method).toMatchObject({ path: '/v1/payment_methods', idempotencyKey: 'user-1:key-1:payment-method', authorization: 'Bearer sk_test_fake', params: { type: 'card', 'card[token]': 'tok_visa' } });
      expect(intent).toMatchObject({
        path: '/v1/payment_intents',
        idempotencyKey: 'user-1:key-1',
        params: { amount: '2090', currency: 'usd', confirm: 'true', payment_method: 'pm_tok_visa', 'metadata[payment_id]': 'p1', 'automatic_payment_methods[allow_redirects]': 'never' },
      });

      // The same key again is the same charge (the fake, like Stripe, replays).
      const again = await stripe.charge({ amount: 2090n, currency: 'USD', paymentMethod: 'tok_visa', idempotencyKey: 'user-1:key-1', description: 'Invoice', metadata: {} });
      expect(again).toEqual(result);
    } finally {
      await fake.close();
    }
  });

  it('turns card errors into failed results with the decline code', async () => {
    const fake = await startFakeStripe();
    try {
      const stripe = new StripePaymentProvider({ secretKey: 'sk_test_fake', api: origin(fake.url) });
      const result = await stripe.charge({ amount: 1900n, currency: 'USD', paymentMethod: 'tok_insufficientFunds', idempotencyKey: 'k2', description: 'x', metadata: {} });
      expect(result).toMatchObject({ outcome: 'failed', failureCode: 'insufficient_funds', reference: expect.stringMatching(/^pi_fake_/) });
    } finally {
      await fake.close();
    }
  });

  it('retries a 5xx with the same key, then reports the provider unavailable', async () => {
    const fake = await startFakeStripe((r: FakeStripeRequest) => (r.path === '/v1/payment_intents' ? { status: 500, body: { error: { type: 'api_error', message: 'boom' } } } : undefined));
    try {
      const stripe = new StripePaymentProvider({ secretKey: 'sk_test_fake', api: origin(fake.url) });
      await expect(stripe.charge({ amount: 1900n, currency: 'USD', paymentMethod: 'pm_card', idempotencyKey: 'k3', description: 'x', metadata: {} })).rejects.toBeInstanceOf(ProviderUnavailableError);
      const attempts = fake.requests.filter((r) => r.path === '/v1/payment_intents');
      expect(attempts.length).toBe(3); // the first try and the package's two retries
      expect(new Set(attempts.map((r) => r.idempotencyKey))).toEqual(new Set(['k3']));
    } finally {
      await fake.close();
    }
  });

  it('refunds part of a PaymentIntent with the key, and reports a refusal as such', async () => {
    const fake = await startFakeStripe((r: FakeStripeRequest) =>
      r.path === '/v1/refunds' && r.params.amount === '99999' ? { status: 400, body: { error: { type: 'invalid_request_error', code: 'amount_too_large', message: 'Refund amount is greater than unrefunded amount on charge' } } } : undefined,
    );
    try {
      const stripe = new StripePaymentProvider({ secretKey: 'sk_test_fake', api: origin(fake.url) });
      expect(await stripe.refund({ reference: 'pi_1', amount: 500n, currency: 'USD', idempotencyKey: 'r1', metadata: { payment_id: 'p1' } })).toEqual({ reference: expect.stringMatching(/^re_fake_/) });
      expect(fake.requests[0]).toMatchObject({ path: '/v1/refunds', idempotencyKey: 'r1', params: { payment_intent: 'pi_1', amount: '500' } });
      await expect(stripe.refund({ reference: 'pi_1', amount: 99999n, currency: 'USD', idempotencyKey: 'r2', metadata: {} })).rejects.toBeInstanceOf(RefundRefusedError);
    } finally {
      await fake.close();
    }
  });
});

describe('billing with STRIPE_SECRET_KEY set (e2e, fake Stripe API)', () => {
  const WEBHOOK_SECRET = 'whsec_stripe_test_secret';
  let db: TestDatabase;
  let t: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeStripe>>;
  let sql: Client;

  beforeAll(async () => {
    fake = await startFakeStripe();
    db = await createTestDatabase();
    t = await startTestApp({
      databaseUrl: db.url,
      env: { AUTH_RATE_LIMIT_MAX: '10000', DB_STATEMENT_TIMEOUT_MS: '20000', STRIPE_SECRET_KEY: 'sk_test_e2e', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url },
    });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
    await fake?.close();
  });

  it('subscribes through Stripe, and takes Stripe-signed events at /webhooks/stripe', async () => {
    const api = client(t.url);
    const ada = await api.register();
    const res = await api.call('POST', '/v1/billing/subscription', { token: ada.accessToken, body: { planCode: 'pro', paymentToken: 'tok_visa' }, headers: { 'idempotency-key': 'stripe-e2e-1' } });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('active');
    const [payment] = (await sql.query('SELECT id, invoice_id, provider, provider_reference, amount FROM payments WHERE user_id = $1', [ada.user.id])).rows;
    expect(payment.provider).toBe('stripe');
    const intent = fake.requests.find((r) => r.path === '/v1/payment_intents');
    expect(intent?.idempotencyKey).toBe(`${ada.user.id}:stripe-e2e-1:invoice:${payment.invoice_id}`);
    expect(intent?.params['metadata[payment_id]']).toBe(payment.id);

    const payload = JSON.stringify({
      id: 'evt_stripe_1',
      object: 'event',
      type: 'charge.refunded',
      data: { object: { id: 'ch_1', object: 'charge', payment_intent: payment.provider_reference, amount_refunded: 100, currency: 'usd', metadata: { payment_id: payment.id } } },
    });
    const post = (header: string) => fetch(`${t.url}/v1/billing/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
    expect((await post(Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_sandbox_guess' }))).status).toBe(400);
    const ok = await post(Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }));
    expect(ok.status).toBe(200);
    const seen = await api.call('GET', `/v1/billing/payments/${payment.id}`, { token: ada.accessToken });
    expect(seen.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 100, provider: 'stripe' });
  });
});
