import { mulDivRound, type Money } from './money.util';

export interface ProrationInput {
  oldPrice: Money;
  newPrice: Money;
  periodStart: Date;
  periodEnd: Date;
  /** When the change takes effect. */
  at: Date;
}

export interface Proration {
  /** Negative: credit for the unused time on the old plan. */
  credit: Money;
  /** The new plan for the rest of the period. */
  charge: Money;
  /** Whole seconds left in the period, and in the whole period. */
  remainingSeconds: bigint;
  periodSeconds: bigint;
}

/**
 * Upgrade proration by the second, as one invoice: a credit line of
 * -oldPrice x remaining / period and a charge line of newPrice x remaining / period, each
 * rounded half away from zero to the minor unit. Seconds are whole (a change mid-second counts
 * from the start of that second).
 */
export function prorate(input: ProrationInput): Proration {
  const { oldPrice, newPrice } = input;
  if (oldPrice.currency !== newPrice.currency) throw new RangeError('proration across currencies');
  const start = BigInt(Math.floor(input.periodStart.getTime() / 1000));
  const end = BigInt(Math.floor(input.periodEnd.getTime() / 1000));
  const at = BigInt(Math.floor(input.at.getTime() / 1000));
  const periodSeconds = end - start;
  if (periodSeconds <= 0n) throw new RangeError('the period must end after it starts');
  const clamped = at < start ? start : at > end ? end : at;
  const remainingSeconds = end - clamped;
  return {
    credit: { amount: -mulDivRound(oldPrice.amount, remainingSeconds, periodSeconds), currency: oldPrice.currency },
    charge: { amount: mulDivRound(newPrice.amount, remainingSeconds, periodSeconds), currency: newPrice.currency },
    remainingSeconds,
    periodSeconds,
  };
}
