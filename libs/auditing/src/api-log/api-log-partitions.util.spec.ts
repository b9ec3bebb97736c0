import { monthPartition, planPartitionMaintenance } from './api-log-partitions.util';

const names = (partitions: Array<{ name: string }>) => partitions.map((p) => p.name);

describe('monthPartition', () => {
  it('is the UTC calendar month of the time, named api_logs_YYYY_MM', () => {
    expect(monthPartition(new Date('2026-11-25T10:00:00Z'))).toEqual({
      name: 'api_logs_2026_11',
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    // 23:30 on 30 November in New York is already December in UTC.
    expect(monthPartition(new Date('2026-11-30T23:30:00-05:00')).name).toBe('api_logs_2026_12');
    expect(monthPartition(new Date('2026-12-31T23:59:59.999Z'))).toMatchObject({ name: 'api_logs_2026_12', to: new Date('2027-01-01T00:00:00Z') });
  });
});

describe('planPartitionMaintenance', () => {
  const month = (iso: string) => monthPartition(new Date(iso));

  it('creates the current and next month when they are missing', () => {
    const plan = planPartitionMaintenance(new Date('2026-12-15T00:00:00Z'), 90, [month('2026-11-01T00:00:00Z')]);
    expect(names(plan.create)).toEqual(['api_logs_2026_12', 'api_logs_2027_01']);
    expect(plan.drop).toEqual([]);
  });

  it('creates nothing when both months exist', () => {
    const existing = [month('2026-11-01T00:00:00Z'), month('2026-12-01T00:00:00Z')];
    expect(planPartitionMaintenance(new Date('2026-11-02T00:00:00Z'), 90, existing).create).toEqual([]);
  });

  it('drops only partitions whose every row is older than the retention', () => {
    const existing = ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'].map((m) => month(`${m}-01T00:00:00Z`));
    // Cutoff: 2026-11-20 minus 90 days = 2026-08-22. August ends after it, so it stays whole.
    const plan = planPartitionMaintenance(new Date('2026-11-20T00:00:00Z'), 90, existing);
    expect(names(plan.drop)).toEqual(['api_logs_2026_06', 'api_logs_2026_07']);
    expect(names(plan.create)).toEqual(['api_logs_2026_12']);
  });

  it('drops a month exactly when its end reaches the cutoff', () => {
    const july = month('2026-07-01T00:00:00Z');
    expect(planPartitionMaintenance(new Date('2026-08-31T00:00:00Z'), 30, [july]).drop).toEqual([july]);
    expect(planPartitionMaintenance(new Date('2026-08-30T23:59:59Z'), 30, [july]).drop).toEqual([]);
  });

  it('never drops the current or next month, even with a one-day retention', () => {
    const existing = [month('2026-11-01T00:00:00Z'), month('2026-12-01T00:00:00Z')];
    expect(planPartitionMaintenance(new Date('2026-11-01T00:00:00Z'), 1, existing).drop).toEqual([]);
  });
});
