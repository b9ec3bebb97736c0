import { formatInvoiceNumber, parseInvoiceNumber } from './invoice-number.util';
import { addMonths } from './billing-period.util';
import { idempotencyKeyOf, requestHash } from './idempotency/idempotency.interceptor';
import { add, CurrencyMismatchError, formatMoney, money, mulDivRound, subtract, sum, taxOf, toJsonAmount } from './money.util';
import { prorate } from './proration.util';
import { nextRetryAt } from './retry-schedule.util';

describe('money', () => {
  it('keeps amounts as bigint minor units and refuses floats', () => {
    expect(money(1900, 'USD')).toEqual({ amount: 1900n, currency: 'USD' });
    expect(() => money(19.5, 'USD')).toThrow(RangeError);
    expect(() => money(1, 'usd')).toThrow(RangeError);
  });

  it('adds and subtracts only within one currency', () => {
    expect(add(money(1900, 'USD'), money(100, 'USD')).amount).toBe(2000n);
    expect(subtract(money(100, 'USD'), money(1900, 'USD')).amount).toBe(-1800n);
    expect(sum('USD', [money(1, 'USD'), money(2, 'USD')]).amount).toBe(3n);
    expect(() => add(money(1, 'USD'), money(1, 'EUR'))).toThrow(CurrencyMismatchError);
  });

  it.each([
    [10n, 1n, 4n, 3n], // 2.5 -> 3
    [-10n, 1n, 4n, -3n], // -2.5 -> -3
    [10n, 1n, 3n, 3n], // 3.33 -> 3
    [20n, 1n, 3n, 7n], // 6.67 -> 7
    [9_007_199_254_740_993n, 1n, 1n, 9_007_199_254_740_993n], // beyond double precision, still exact
  ])('mulDivRound(%s, %s, %s) = %s (half away from zero)', (value, num, den, expected) => {
    expect(mulDivRound(value, num, den)).toBe(expected);
  });

  it('computes tax in basis points', () => {
    expect(taxOf(money(1900, 'USD'), 2000).amount).toBe(380n);
    expect(taxOf(money(999, 'USD'), 825).amount).toBe(82n); // 82.4175
    expect(taxOf(money(1000, 'USD'), 0).amount).toBe(0n);
    expect(() => taxOf(money(1, 'USD'), 12.5)).toThrow(RangeError);
  });

  it('writes JSON amounts as exact integers only', () => {
    expect(toJsonAmount(1900n)).toBe(1900);
    expect(() => toJsonAmount(2n ** 60n)).toThrow(RangeError);
  });

  it('formats for people', () => {
    expect(formatMoney(money(1900, 'USD'))).toBe('19.00 USD');
    expect(formatMoney(money(5, 'USD'))).toBe('0.05 USD');
    expect(formatMoney(money(-1234, 'EUR'))).toBe('-12.34 EUR');
    expect(formatMoney(money(500, 'JPY'))).toBe('500 JPY');
  });
});

describe('invoice numbers', () => {
  it('are INV-YYYY-NNNNNN', () => {
    expect(formatInvoiceNumber(2026, 1)).toBe('INV-2026-000001');
    expect(formatInvoiceNumber(2026, 999_999)).toBe('INV-2026-999999');
    expect(() => formatInvoiceNumber(2026, 0)).toThrow(RangeError);
    expect(() => formatInvoiceNumber(2026, 1_000_000)).toThrow(RangeError);
    expect(parseInvoiceNumber('INV-2026-000042')).toEqual({ year: 2026, sequence: 42 });
    expect(parseInvoiceNumber('INV-2026-000000')).toBeNull();
    expect(parseInvoiceNumber('INV-26-1')).toBeNull();
  });
});

describe('proration by the second', () => {
  const periodStart = new Date('2026-03-01T00:00:00Z');
  const periodEnd = new Date('2026-03-31T00:00:00Z'); // 30 days = 2,592,000 s

  it('credits the unused old plan and charges the new one for the rest of the period', () => {
    // 10 days in: 20 of 30 days remain.
    const p = prorate({ oldPrice: money(1900, 'USD'), newPrice: money(9900, 'USD'), periodStart, periodEnd, at: new Date('2026-03-11T00:00:00Z') });
    expect(p.remainingSeconds).toBe(1_728_000n);
    expect(p.periodSeconds).toBe(2_592_000n);
    expect(p.credit.amount).toBe(-1267n); // 1900 * 2/3 = 1266.67
    expect(p.charge.amount).toBe(6600n); // 9900 * 2/3
  });

  it('counts single seconds', () => {
    const at = new Date(periodEnd.getTime() - 1_000 * 1_000); // 1000 s before the end
    const p = prorate({ oldPrice: money(1900, 'USD'), newPrice: money(9900, 'USD'), periodStart, periodEnd, at });
    expect(p.credit.amount).toBe(-1n); // 1900 * 1000 / 2592000 = 0.733
    expect(p.charge.amount).toBe(4n); // 9900 * 1000 / 2592000 = 3.82
  });

  it('charges nothing at the end and the full price at the start', () => {
    const end = prorate({ oldPrice: money(1900, 'USD'), newPrice: money(9900, 'USD'), periodStart, periodEnd, at: periodEnd });
    expect([end.credit.amount, end.charge.amount]).toEqual([0n, 0n]);
    const start = prorate({ oldPrice: money(1900, 'USD'), newPrice: money(9900, 'USD'), periodStart, periodEnd, at: periodStart });
    expect([start.credit.amount, start.charge.amount]).toEqual([-1900n, 9900n]);
  });
});

describe('payment retries', () => {
  it('retry 1, 3 and 5 days after the first failure, then stop', () => {
    const failed = new Date('2026-03-01T00:00:00Z');
    expect(nextRetryAt(failed, 1)?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(nextRetryAt(failed, 2)?.toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(nextRetryAt(failed, 3)?.toISOString()).toBe('2026-03-06T00:00:00.000Z');
    expect(nextRetryAt(failed, 4)).toBeNull();
  });
});

describe('monthly periods', () => {
  it.each([
    ['2026-03-15T10:20:30.000Z', '2026-04-15T10:20:30.000Z'],
    ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z'], // clamped to a short month
    ['2028-01-31T00:00:00.000Z', '2028-02-29T00:00:00.000Z'], // leap year
    ['2026-12-31T23:59:59.999Z', '2027-01-31T23:59:59.999Z'], // across the year
  ])('%s + 1 month = %s', (start, end) => {
    expect(addMonths(new Date(start), 1).toISOString()).toBe(end);
  });
});

describe('Idempotency-Key request hash', () => {
  it('binds method, path and body, not the order of the body keys', () => {
    const h = requestHash('POST', '/v1/billing/subscription', { planCode: 'pro', paymentToken: 'tok_visa' });
    expect(requestHash('POST', '/v1/billing/subscription', { paymentToken: 'tok_visa', planCode: 'pro' })).toBe(h);
    expect(requestHash('POST', '/v1/billing/subscription', { planCode: 'business', paymentToken: 'tok_visa' })).not.toBe(h);
    expect(requestHash('PATCH', '/v1/billing/subscription', { planCode: 'pro', paymentToken: 'tok_visa' })).not.toBe(h);
    expect(requestHash('POST', '/v1/billing/subscription/cancel', { planCode: 'pro', paymentToken: 'tok_visa' })).not.toBe(h);
  });

  it('accepts visible ASCII keys up to 255 characters and refuses others with a 400', () => {
    const of = (value: string | string[] | undefined) => idempotencyKeyOf({ headers: { 'idempotency-key': value } });
    expect(of(undefined)).toBeUndefined();
    expect(of('3f1c2a1e-9a5b-4c1d-8f8e-1a2b3c4d5e6f')).toBe('3f1c2a1e-9a5b-4c1d-8f8e-1a2b3c4d5e6f');
    expect(of('x'.repeat(255))).toHaveLength(255);
    for (const bad of ['', 'x'.repeat(256), 'with space', 'tab\t', 'ünï', ['a', 'b']]) expect(() => of(bad)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
