import { CronTime } from 'cron';

/**
 * Every schedule is read in UTC, whatever the host's time zone: instances in different zones
 * must agree on when a tick is, or "once per tick" would not hold.
 */
export const SCHEDULE_TIME_ZONE = 'UTC';

/** A timer may fire a hair before its time; never by as much as this. */
const EARLY_FIRE_TOLERANCE_MS = 20;
/** How far back a late timer's tick is searched for before giving up and using the fire time. */
const LATE_FIRE_LOOKBACK_MS = 60_000;

export class InvalidScheduleError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`"${expression}" is not a cron expression (${reason}); use five fields, or six with seconds first`);
    this.name = 'InvalidScheduleError';
  }
}

/** Parses a five-field cron expression, or a six-field one with seconds first, in UTC. */
export function parseSchedule(expression: string): CronTime {
  try {
    return new CronTime(expression, SCHEDULE_TIME_ZONE);
  } catch (error) {
    throw new InvalidScheduleError(expression, error instanceof Error ? error.message : String(error));
  }
}

export function truncateToSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

/** The first occurrence of the schedule strictly after `after` (second precision). */
export function nextOccurrence(schedule: CronTime, after: Date): Date {
  // The zone must be passed here too: CronTime's own zone is not applied by getNextDateFrom.
  return schedule.getNextDateFrom(after, SCHEDULE_TIME_ZONE).toJSDate();
}

/**
 * The scheduled time that a timer firing at `firedAt` stands for: the latest occurrence of the
 * schedule at or before `firedAt`. Every instance derives the same tick from its own, slightly
 * different, fire time; that tick names the advisory lock and the job_runs row, so it must not
 * depend on how late the timer fired (a daily job fired 1.3 s late is still the 02:00:00 run).
 *
 * A timer later than LATE_FIRE_LOOKBACK_MS (a stalled event loop) falls back to its fire time,
 * truncated to the second.
 */
export function scheduledTick(schedule: CronTime, firedAt: Date): Date {
  const horizon = firedAt.getTime() + EARLY_FIRE_TOLERANCE_MS;
  // The usual case, in one step: the timer fired within the second of its tick.
  const second = truncateToSecond(new Date(horizon));
  if (nextOccurrence(schedule, new Date(second.getTime() - 1)).getTime() === second.getTime()) return second;
  let tick = nextOccurrence(schedule, new Date(firedAt.getTime() - LATE_FIRE_LOOKBACK_MS));
  if (tick.getTime() > horizon) return truncateToSecond(firedAt);
  for (;;) {
    const next = nextOccurrence(schedule, tick);
    if (next.getTime() > horizon) return tick;
    tick = next;
  }
}
