export * from './backups.module';
export * from './backups.service';
export * from './backups.types';
export * from './backups.errors';
export * from './backups.metrics';
export { planRetention, isoWeek, type RetentionPolicy } from './backup-retention.util';
export { BackupRun } from './models/backup-run.model';
export * from './backups.models';
export * from './backups.config';
