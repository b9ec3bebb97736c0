import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const BACKUP_LAST_SUCCESS = 'backup_last_success_timestamp_seconds';
export const BACKUP_DURATION = 'backup_duration_seconds';
export const BACKUP_SIZE = 'backup_size_bytes';
export const BACKUP_FAILURES = 'backup_failures_total';

export const backupMetricProviders = [
  makeGaugeProvider({
    name: BACKUP_LAST_SUCCESS,
    help: 'Unix time at which the newest successful database backup started (read from backup_runs at start, then updated by this instance); take the max over instances.',
  }),
  makeHistogramProvider({
    name: BACKUP_DURATION,
    help: 'Time to make one successful database backup (snapshot, pg_dump, checksum, pg_restore --list), on this instance.',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200],
  }),
  makeGaugeProvider({
    name: BACKUP_SIZE,
    help: 'Size in bytes of the newest successful database backup file.',
  }),
  makeCounterProvider({
    name: BACKUP_FAILURES,
    help: 'Failed database backups (kind="backup") and restore drills (kind="drill") on this instance.',
    labelNames: ['kind'],
  }),
];
