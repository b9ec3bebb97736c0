const DAY_MS = 24 * 60 * 60 * 1000;

/** Payment retries of a past_due subscription: 1, 3 and 5 days after the failed renewal. */
export const RETRY_AFTER_DAYS: readonly number[] = [1, 3, 5];

/**
 * When to retry after `failedAttempts` failed charges of a renewal (1 = the renewal itself),
 * counted from the first failure; null when the retries are exhausted (the subscription then
 * becomes unpaid or canceled, by configuration).
 */
export function nextRetryAt(firstFailureAt: Date, failedAttempts: number): Date | null {
  const days = RETRY_AFTER_DAYS[failedAttempts - 1];
  return days === undefined ? null : new Date(firstFailureAt.getTime() + days * DAY_MS);
}
