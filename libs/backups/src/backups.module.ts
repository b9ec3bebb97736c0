import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { JobsModule } from '@app/jobs';
import { BackupStatusReporter } from '@app/observability';
import { BackupDatabaseRepository } from './backup-database.repository';
import { BackupFilesRepository } from './backup-files.repository';
import { BackupJobs } from './backup.jobs';
import { BackupRunsRepository } from './backup-runs.repository';
import { AdminBackupsController } from './backups.controller';
import { backupMetricProviders } from './backups.metrics';
import { BackupsService } from './backups.service';
import { BACKUPS_MODELS } from './backups.models';
import { PgToolsRepository } from './pg-tools.repository';

/**
 * Backups, drills, retention, restore and the admin endpoints; registers the `backup` and
 * `backup-drill` jobs. Exports the BackupStatusReporter that readiness reports: the api composes
 * it into HealthModule (`ObservabilityModule.forRoot({ health: { imports: [BackupsModule] } })`),
 * so observability imports no feature lib.
 */
@Module({
  imports: [SequelizeModule.forFeature(BACKUPS_MODELS), JobsModule],
  controllers: [AdminBackupsController],
  providers: [
    ...backupMetricProviders,
    BackupRunsRepository,
    BackupFilesRepository,
    BackupDatabaseRepository,
    PgToolsRepository,
    BackupsService,
    BackupJobs,
    { provide: BackupStatusReporter, useExisting: BackupsService },
  ],
  exports: [BackupsService, BackupStatusReporter],
})
export class BackupsModule {}
