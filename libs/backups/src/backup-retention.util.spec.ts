import { isoWeek, planRetention, type RetainedBackup } from './backup-retention.util';

/** One backup at 02:00 UTC on each of `days` days ending on `last` (newest first). */
function dailyBackups(last: string, days: number): RetainedBackup[] {
  const end = Date.parse(`${last}T02:00:00Z`);
  return Array.from({ length: days }, (_, i) => {
    const startedAt = new Date(end - i * 86_400_000);
    return { id: startedAt.toISOString().slice(0, 10), startedAt };
  });
}

/** Long after every backup of these tests: only the policy decides. */
const LATER = new Date('2030-01-01T00:00:00Z');

const kept = (plan: ReturnType<typeof planRetention>) => [...plan.keep.keys()].sort().reverse();

describe('isoWeek', () => {
  it('follows ISO 8601 (Monday first, week 1 holds 4 January)', () => {
    expect(isoWeek(new Date('2026-11-25T12:00:00Z'))).toBe('2026-W48');
    expect(isoWeek(new Date('2026-11-29T23:59:59Z'))).toBe('2026-W48'); // Sunday
    expect(isoWeek(new Date('2026-11-30T00:00:00Z'))).toBe('2026-W49'); // Monday
    expect(isoWeek(new Date('2021-01-03T00:00:00Z'))).toBe('2020-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
  });
});

describe('planRetention', () => {
  it('keeps the newest of each of the last N days, W weeks and M months, and deletes the rest', () => {
    // 120 days of daily backups, up to Wednesday 25 November 2026.
    const backups = dailyBackups('2026-11-25', 120);
    const plan = planRetention(backups, { daily: 7, weekly: 4, monthly: 12 }, LATER);
    expect(kept(plan)).toEqual([
      // daily: the last 7 days
      '2026-11-25', '2026-11-24', '2026-11-23', '2026-11-22', '2026-11-21', '2026-11-20', '2026-11-19',
      // weekly: the newest of weeks 48 (25th), 47 (Sunday 22nd), 46 (15th) and 45 (8th)
      '2026-11-15', '2026-11-08',
      // monthly: the newest of November (25th), October, September, August, July (the oldest month with backups)
      '2026-10-31', '2026-09-30', '2026-08-31', '2026-07-31',
    ]);
    expect(plan.keep.get('2026-11-25')).toEqual(['daily', 'weekly', 'monthly']);
    expect(plan.keep.get('2026-11-22')).toEqual(['daily', 'weekly']);
    expect(plan.keep.get('2026-10-31')).toEqual(['monthly']);
    expect(plan.delete).toHaveLength(120 - plan.keep.size);
    expect(plan.delete[0]).toBe('2026-11-18');
    expect(new Set([...plan.delete, ...plan.keep.keys()]).size).toBe(120);
  });

  it('counts days that have a backup, and keeps only the newest backup of a day', () => {
    const at = (iso: string, id: string) => ({ id, startedAt: new Date(iso) });
    const backups = [
      at('2026-11-25T02:00:00Z', 'today-scheduled'),
      at('2026-11-25T09:30:00Z', 'today-manual'),
      // Nothing on the 24th and 23rd: the 22nd is still one of the "last 2 days with a backup".
      at('2026-11-22T02:00:00Z', 'sunday'),
      at('2026-11-21T02:00:00Z', 'saturday'),
    ];
    const plan = planRetention(backups, { daily: 2, weekly: 0, monthly: 0 }, LATER);
    expect(kept(plan)).toEqual(['today-manual', 'sunday']);
    expect(plan.delete).toEqual(['today-scheduled', 'saturday']);
  });

  it('always keeps the newest backup, handles unsorted input and an empty list', () => {
    const backups = dailyBackups('2026-11-25', 5).reverse();
    expect(kept(planRetention(backups, { daily: 1, weekly: 0, monthly: 0 }, LATER))).toEqual(['2026-11-25']);
    expect(planRetention([], { daily: 7, weekly: 4, monthly: 12 }, LATER)).toEqual({ keep: new Map(), delete: [] });
  });

  it('keeps everything while there are fewer backups than the policy covers', () => {
    const plan = planRetention(dailyBackups('2026-11-25', 5), { daily: 7, weekly: 4, monthly: 12 }, LATER);
    expect(plan.delete).toEqual([]);
    expect(plan.keep.size).toBe(5);
  });

  it('never deletes a backup younger than 24 hours', () => {
    const at = (iso: string, id: string) => ({ id, startedAt: new Date(iso) });
    const backups = [at('2026-11-25T09:30:00Z', 'manual-before-upgrade'), at('2026-11-25T02:00:00Z', 'scheduled'), at('2026-11-24T02:00:00Z', 'yesterday')];
    const plan = planRetention(backups, { daily: 1, weekly: 0, monthly: 0 }, new Date('2026-11-25T12:00:00Z'));
    expect(kept(plan)).toEqual(['scheduled', 'manual-before-upgrade']);
    expect(plan.keep.get('scheduled')).toEqual(['recent']);
    expect(plan.delete).toEqual(['yesterday']);
  });
});
