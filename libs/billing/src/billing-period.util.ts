/**
 * `months` calendar months after `start` (UTC): the same day of the month and time of day,
 * clamped to the last day of a shorter month (Jan 31 + 1 month = Feb 28, or 29 in a leap year).
 * A monthly period runs from its start to `addMonths(start, 1)`; the next starts where it ended.
 */
export function addMonths(start: Date, months: number): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()));
}
