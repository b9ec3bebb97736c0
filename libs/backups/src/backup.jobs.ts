import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { BACKUPS_CONFIG, type BackupsConfig } from './backups.config';
import { BackupsService } from './backups.service';

/**
 * `backup` (JOB_BACKUP_CRON, daily): a verified backup, then retention.
 * `backup-drill` (JOB_BACKUP_DRILL_CRON, weekly): restore the newest good backup and compare.
 * A failed backup or drill fails its job run too (and is retried at the next tick).
 */
@Injectable()
export class BackupJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly backups: BackupsService,
    @InjectConfig(BACKUPS_CONFIG) private readonly config: BackupsConfig,
  ) {}

  onModuleInit(): void {
    const { schedules } = this.config;
    this.jobs.register({
      name: 'backup',
      schedule: schedules.backup,
      description: 'pg_dump the database into BACKUP_DIR, verify it, then apply retention',
      run: async ({ signal }) => {
        const backup = await this.backups.createBackup(signal);
        if (backup.status !== 'success') throw new Error(backup.error ?? 'the backup failed');
        const { deleted, kept } = await this.backups.prune();
        return { details: { backupId: backup.id, file: backup.file, sizeBytes: backup.sizeBytes, kept, deleted: deleted.map((b) => b.file) } };
      },
    });
    this.jobs.register({
      name: 'backup-drill',
      schedule: schedules.backupDrill,
      description: 'Restore the newest verified backup into a scratch database and compare row counts',
      run: async ({ signal }) => {
        const drill = await this.backups.drill(signal);
        if (drill.status !== 'success') throw new Error(drill.error ?? 'the drill failed');
        return { details: { drillId: drill.id, backupId: drill.backupId, restoreMs: drill.restoreMs } };
      },
    });
  }
}
