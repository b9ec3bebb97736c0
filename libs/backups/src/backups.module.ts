import { Global, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
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
 * `backup-drill` jobs (needs JobsModule). Global so that readiness (HealthController, in
 * observability) finds the BackupStatusReporter without observability importing this lib.
 */
@Global()
@Module({
  imports: [SequelizeModule.forFeature(BACKUPS_MODELS)],
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
