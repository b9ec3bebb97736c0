/**
 * Money as integer minor units (bigint) plus an ISO 4217 currency: never a float, in code or in
 * JSON. In JSON an amount is an integer number of minor units (`{ "amount": 1900, "currency":
 * "USD" }`); `toJsonAmount` refuses any amount outside Number's safe-integer range rather than
 * round it.
 */
export interface Money {
  amount: bigint;
  currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;

export class CurrencyMismatchError extends Error {
  constructor(a: string, b: string) {
    super(`Cannot combine ${a} and ${b} amounts`);
    this.name = 'CurrencyMismatchError';
  }
}

export function money(amount: bigint | number, currency: string): Money {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) throw new RangeError(`${amount} is not an integer number of minor units`);
  if (!CURRENCY.test(currency)) throw new RangeError(`${currency} is not an ISO 4217 currency code`);
  return { amount: BigInt(amount), currency };
}

function same(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function add(a: Money, b: Money): Money {
  same(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  same(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export function sum(currency: string, items: readonly Money[]): Money {
  return items.reduce((total, item) => add(total, item), money(0n, currency));
}

/**
 * `value * numerator / denominator`, rounded half away from zero, in integers only (so a
 * proration or a tax is exact to the minor unit and the same on every machine).
 */
export function mulDivRound(value: bigint, numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const product = value * numerator;
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

/** Tax on an amount at a rate in basis points (1 bp = 0.01 %), rounded half away from zero. */
export function taxOf(amount: Money, rateBps: number): Money {
  if (!Number.isInteger(rateBps) || rateBps < 0 || rateBps > 10_000) throw new RangeError(`tax rate ${rateBps} bp is not an integer from 0 to 10000`);
  return { amount: mulDivRound(amount.amount, BigInt(rateBps), 10_000n), currency: amount.currency };
}

/** The JSON form of an amount: an integer number of minor units; refuses what a double cannot hold exactly. */
export function toJsonAmount(amount: bigint): number {
  const n = Number(amount);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${amount} minor units do not fit a JSON integer exactly`);
  return n;
}

/** `1900n, 'USD'` -> `19.00 USD` (invoices, PDFs); exponent 2 except the zero-decimal currencies listed. */
export function formatMoney({ amount, currency }: Money): string {
  const exponent = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction} ${currency}`;
}

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF']);
