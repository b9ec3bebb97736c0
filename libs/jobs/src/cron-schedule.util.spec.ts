import { InvalidScheduleError, nextOccurrence, parseSchedule, scheduledTick, truncateToSecond } from './cron-schedule.util';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('parseSchedule', () => {
  it('accepts five fields and six with seconds first', () => {
    expect(iso(nextOccurrence(parseSchedule('17 * * * *'), at('2026-11-25T10:20:00Z')))).toBe('2026-11-25T11:17:00.000Z');
    expect(iso(nextOccurrence(parseSchedule('*/1 * * * * *'), at('2026-11-25T10:20:00.400Z')))).toBe('2026-11-25T10:20:01.000Z');
    expect(iso(nextOccurrence(parseSchedule('30 0 2 * * *'), at('2026-11-25T10:00:00Z')))).toBe('2026-11-26T02:00:30.000Z');
  });

  it('refuses anything else, naming the expression', () => {
    for (const bad of ['* * * * * * *', 'every hour', '61 * * * * *', '']) {
      expect(() => parseSchedule(bad)).toThrow(InvalidScheduleError);
      expect(() => parseSchedule(bad)).toThrow(`"${bad}"`);
    }
  });

  it('reads every schedule in UTC, whatever the host time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/New_York', 'Asia/Kolkata', 'UTC']) {
        process.env.TZ = zone;
        const daily = parseSchedule('0 2 * * *');
        expect(iso(nextOccurrence(daily, at('2026-11-25T01:59:59.500Z')))).toBe('2026-11-25T02:00:00.000Z');
        expect(iso(scheduledTick(daily, at('2026-11-25T02:00:01.300Z')))).toBe('2026-11-25T02:00:00.000Z');
        // Weekly, Sundays at 04:00 UTC (29 November 2026 is a Sunday).
        expect(iso(nextOccurrence(parseSchedule('0 4 * * 0'), at('2026-11-25T00:00:00Z')))).toBe('2026-11-29T04:00:00.000Z');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('scheduledTick', () => {
  const everySecond = parseSchedule('*/1 * * * * *');
  const everyFive = parseSchedule('*/5 * * * * *');
  const daily = parseSchedule('0 2 * * *');

  it('is the scheduled second when the timer fires on time or a little late', () => {
    expect(iso(scheduledTick(everySecond, at('2026-11-25T10:00:05.004Z')))).toBe('2026-11-25T10:00:05.000Z');
    expect(iso(scheduledTick(everySecond, at('2026-11-25T10:00:05.700Z')))).toBe('2026-11-25T10:00:05.000Z');
    expect(iso(scheduledTick(daily, at('2026-11-25T02:00:00.003Z')))).toBe('2026-11-25T02:00:00.000Z');
  });

  it('tolerates a timer that fires a hair early', () => {
    expect(iso(scheduledTick(everySecond, at('2026-11-25T10:00:04.995Z')))).toBe('2026-11-25T10:00:05.000Z');
    expect(iso(scheduledTick(daily, at('2026-11-25T01:59:59.990Z')))).toBe('2026-11-25T02:00:00.000Z');
  });

  it('maps a late timer back to the tick it stands for, so that every instance names the same tick', () => {
    // Three instances whose timers fired at different moments agree.
    const fired = ['2026-11-25T02:00:00.002Z', '2026-11-25T02:00:01.300Z', '2026-11-25T02:00:45.000Z'];
    expect(fired.map((f) => iso(scheduledTick(daily, at(f))))).toEqual(Array(3).fill('2026-11-25T02:00:00.000Z'));
    expect(iso(scheduledTick(everyFive, at('2026-11-25T10:00:06.200Z')))).toBe('2026-11-25T10:00:05.000Z');
    expect(iso(scheduledTick(everyFive, at('2026-11-25T10:00:09.950Z')))).toBe('2026-11-25T10:00:05.000Z');
    // Within the early-fire tolerance of the next tick, it is that tick.
    expect(iso(scheduledTick(everyFive, at('2026-11-25T10:00:09.995Z')))).toBe('2026-11-25T10:00:10.000Z');
  });

  it('falls back to the fire time, truncated to the second, after more than a minute', () => {
    expect(iso(scheduledTick(daily, at('2026-11-25T02:01:30.456Z')))).toBe('2026-11-25T02:01:30.000Z');
  });
});

describe('truncateToSecond', () => {
  it('drops the milliseconds', () => {
    expect(iso(truncateToSecond(at('2026-11-25T10:00:05.999Z')))).toBe('2026-11-25T10:00:05.000Z');
  });
});
