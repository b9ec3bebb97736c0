import { BillingClock, BillingService, type InvoiceRecord } from '@app/billing';
import { TransactionRunner } from '@app/database';
import { client, type Tokens } from './support/auth-client';
import { pdfText } from './support/pdf-text';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('billing plans and invoices (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let ada: Tokens;
  let bob: Tokens;
  let billing: BillingService;
  let transactions: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      databaseUrl: db.url,
      env: {
        AUTH_RATE_LIMIT_MAX: '10000',
        DB_POOL_MAX: '20',
        BILLING_TAX_RATE_BPS: '2000',
        // Every audited write queues on the audit chain's lock (held to commit); 50 at once wait longer than the 1 s default.
        DB_STATEMENT_TIMEOUT_MS: '20000',
        BILLING_SELLER_NAME: 'Clearmark Test Seller Ltd',
        BILLING_SELLER_ADDRESS: '1 Ledger Lane|Springfield',
      },
    });
    api = client(t.url);
    ada = await api.register();
    bob = await api.register();
    billing = t.app.get(BillingService);
    transactions = t.app.get(TransactionRunner);
    // Drive the clock: every invoice here is finalized in 2031, a year no other test uses.
    jest.spyOn(t.app.get(BillingClock), 'now').mockReturnValue(new Date('2031-06-15T12:00:00Z'));
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const draft = (userId: string): Promise<InvoiceRecord> =>
    transactions.run((tx) =>
      billing.createDraft(
        {
          userId,
          subscriptionId: null,
          currency: 'USD',
          billingReason: 'manual',
          periodStart: null,
          periodEnd: null,
          lines: [{ description: 'Pro plan', periodStart: null, periodEnd: null, quantity: 1, unitAmount: 1900n, amount: 1900n }],
        },
        tx,
      ),
    );

  it('lists the seeded plans with integer minor-unit prices, to signed-in users', async () => {
    expect((await api.call('GET', '/v1/billing/plans')).status).toBe(401);
    const res = await api.call('GET', '/v1/billing/plans', { token: ada.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { code: 'free', name: 'Free', price: { amount: 0, currency: 'USD' }, interval: 'month', searchQuota: 10, trialDays: 0 },
      { code: 'pro', name: 'Pro', price: { amount: 1900, currency: 'USD' }, interval: 'month', searchQuota: 200, trialDays: 0 },
      { code: 'business', name: 'Business', price: { amount: 9900, currency: 'USD' }, interval: 'month', searchQuota: 2000, trialDays: 0 },
    ]);
  });

  it('numbers 50 parallel finalizations gaplessly, rolled-back ones taking no number', async () => {
    const drafts: InvoiceRecord[] = [];
    for (let i = 0; i < 50; i++) drafts.push(await draft(ada.user.id));
    const rollBack = new Set(drafts.filter((_, i) => i % 5 === 0).map((d) => d.id)); // 10 of 50
    const outcomes = await Promise.allSettled(
      drafts.map((d) =>
        transactions.run(async (tx) => {
          const invoice = await billing.finalize(d.id, tx);
          if (rollBack.has(d.id)) throw new Error(`rolled back ${invoice.number}`);
          return invoice;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(10);
    const numbers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.number] : [])).sort();
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => `INV-2031-${String(i + 1).padStart(6, '0')}`));

    // The rolled-back drafts are still drafts; finalizing them now continues the sequence.
    const later = await transactions.run((tx) => billing.finalize([...rollBack][0], tx));
    expect(later.number).toBe('INV-2031-000041');

    const list = await api.call('GET', '/v1/billing/invoices?limit=100', { token: ada.accessToken });
    expect(list.status).toBe(200);
    expect((list.body.data as unknown[]).length).toBe(41);
  });

  it('computes tax and totals in integers and refuses to finalize twice (409)', async () => {
    const d = await draft(ada.user.id);
    expect([d.subtotal, d.tax, d.total]).toEqual([1900n, 380n, 2280n]);
    await transactions.run((tx) => billing.finalize(d.id, tx));
    await expect(transactions.run((tx) => billing.finalize(d.id, tx))).rejects.toMatchObject({ status: 409, code: 'invalid-state-transition' });

    const res = await api.call('GET', `/v1/billing/invoices/${d.id}`, { token: ada.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: d.id, status: 'open', subtotal: 1900, tax: 380, total: 2280, amountPaid: 0, currency: 'USD', paidAt: null });
    expect(res.body.number).toMatch(/^INV-2031-\d{6}$/);
    expect(res.body.dueAt).toBe('2031-06-22T12:00:00.000Z');
    expect(res.body.lines).toEqual([{ description: 'Pro plan', periodStart: null, periodEnd: null, quantity: 1, unitAmount: 1900, amount: 1900 }]);
  });

  it("answers 404 for another user's invoice, a draft, or an unknown id, and 400 for a malformed one", async () => {
    const d = await draft(ada.user.id);
    expect((await api.call('GET', `/v1/billing/invoices/${d.id}`, { token: ada.accessToken })).status).toBe(404);
    await transactions.run((tx) => billing.finalize(d.id, tx));
    expect((await api.call('GET', `/v1/billing/invoices/${d.id}`, { token: ada.accessToken })).status).toBe(200);
    const other = await api.call('GET', `/v1/billing/invoices/${d.id}`, { token: bob.accessToken });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.call('GET', '/v1/billing/invoices', { token: bob.accessToken })).body.data).toEqual([]);
    expect((await api.call('GET', '/v1/billing/invoices/not-a-uuid', { token: ada.accessToken })).status).toBe(400);
  });

  it('renders the invoice as a PDF whose text shows seller, buyer, number, lines, tax and total', async () => {
    const d = await draft(ada.user.id);
    const invoice = await transactions.run((tx) => billing.finalize(d.id, tx));
    const res = await fetch(`${t.url}/v1/billing/invoices/${d.id}/pdf`, { headers: { authorization: `Bearer ${ada.accessToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(bytes);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Clearmark Test Seller Ltd');
    expect(text).toContain('1 Ledger Lane');
    expect(text).toContain(ada.user.email);
    expect(text).toContain('Pro plan: 1 x 19.00 USD = 19.00 USD');
    expect(text).toContain('Tax (20.00 %): 3.80 USD');
    expect(text).toContain('Total: 22.80 USD');
    expect(text).toContain('Due: 2031-06-22');

    const other = await fetch(`${t.url}/v1/billing/invoices/${d.id}/pdf`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
    expect(other.status).toBe(404);
  });
});
