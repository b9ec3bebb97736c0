import type { ApiLogPartition } from './api-log.types';

const DAY_MS = 86_400_000;

/** The monthly partition (UTC) that holds `at`: `api_logs_2026_11` for any time in November 2026. */
export function monthPartition(at: Date): ApiLogPartition {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  return {
    name: `api_logs_${year}_${String(month + 1).padStart(2, '0')}`,
    from: new Date(Date.UTC(year, month, 1)),
    to: new Date(Date.UTC(year, month + 1, 1)),
  };
}

export interface PartitionPlan {
  create: ApiLogPartition[];
  drop: ApiLogPartition[];
}

/**
 * What partition maintenance does at `now`: create the current and the next month's partitions
 * unless a partition already covers them, and drop the partitions whose every row is older than
 * the retention (their upper bound is at or before now - retentionDays). A partition that still
 * holds a row younger than the retention is kept whole.
 */
export function planPartitionMaintenance(now: Date, retentionDays: number, existing: ApiLogPartition[]): PartitionPlan {
  const current = monthPartition(now);
  const wanted = [current, monthPartition(current.to)];
  const covered = (month: ApiLogPartition) => existing.some((p) => p.from <= month.from && month.from < p.to);
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return {
    create: wanted.filter((month) => !covered(month)),
    drop: existing.filter((p) => p.to.getTime() <= cutoff).sort((a, b) => a.from.getTime() - b.from.getTime()),
  };
}
