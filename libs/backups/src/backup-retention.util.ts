export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface RetainedBackup {
  id: string;
  startedAt: Date;
}

export type RetentionRule = keyof RetentionPolicy | 'recent';

/** Backups younger than this are never deleted: a backup made by hand before a risky change survives the scheduled one of the same day. */
export const RECENT_MS = 24 * 3_600_000;

export interface RetentionPlan {
  /** Ids kept, with the rules that keep each (a backup can be the daily and the weekly one). */
  keep: Map<string, RetentionRule[]>;
  /** Ids to delete, newest first. */
  delete: string[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);

/** ISO 8601 week of the date in UTC, e.g. `2026-W48` (weeks start on Monday; week 1 holds 4 January). */
export function isoWeek(d: Date): string {
  const date = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = date.getUTCDay() || 7;
  // The Thursday of this week decides the week's year.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Grandfather-father-son retention over successful backups, in UTC: keep the newest backup of
 * each of the `daily` most recent days that have a backup, of each of the `weekly` most recent
 * ISO weeks, and of each of the `monthly` most recent months; delete the rest, except backups
 * younger than 24 hours at `now`. The newest backup is always kept.
 */
export function planRetention(backups: RetainedBackup[], policy: RetentionPolicy, now: Date): RetentionPlan {
  const newestFirst = [...backups].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : -1));
  const keep = new Map<string, RetentionRule[]>();
  const rules: Array<[keyof RetentionPolicy, (d: Date) => string]> = [
    ['daily', day],
    ['weekly', isoWeek],
    ['monthly', month],
  ];
  for (const [rule, bucketOf] of rules) {
    const limit = Math.max(0, policy[rule]);
    const seen = new Set<string>();
    for (const backup of newestFirst) {
      if (seen.size >= limit) break;
      const bucket = bucketOf(backup.startedAt);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      keep.set(backup.id, [...(keep.get(backup.id) ?? []), rule]);
    }
  }
  for (const backup of newestFirst) {
    if (now.getTime() - backup.startedAt.getTime() < RECENT_MS) keep.set(backup.id, [...(keep.get(backup.id) ?? []), 'recent']);
  }
  if (newestFirst[0] && !keep.has(newestFirst[0].id)) keep.set(newestFirst[0].id, ['daily']);
  return { keep, delete: newestFirst.filter((b) => !keep.has(b.id)).map((b) => b.id) };
}
