import { resolve } from 'node:path';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the backups lib. */
export class BackupsVariables {
  @IsOptional() @IsString() BACKUP_DIR?: string;
  @IsOptional() @IsString() PG_DUMP_PATH?: string;
  // At least one daily backup is kept: retention must never delete the backup it just made.
  @IsOptional() @EnvInt() @IsInt() @Min(1) @Max(3_650) BACKUP_KEEP_DAILY?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(520) BACKUP_KEEP_WEEKLY?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(1_200) BACKUP_KEEP_MONTHLY?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(1) BACKUP_STALE_AFTER_HOURS?: number;
  @IsOptional() @IsString() JOB_BACKUP_CRON?: string;
  @IsOptional() @IsString() JOB_BACKUP_DRILL_CRON?: string;
}

export const BACKUPS_CONFIG = defineConfigSlice({
  name: 'backups',
  variables: BackupsVariables,
  load: (env, { problems }) => ({
    /** Absolute path of BACKUP_DIR. */
    dir: resolve(env.BACKUP_DIR ?? '.data/backups'),
    /** PG_DUMP_PATH: the pg_dump binary (or the folder holding it); undefined = search the PATH. */
    pgDumpPath: env.PG_DUMP_PATH,
    keep: { daily: env.BACKUP_KEEP_DAILY ?? 7, weekly: env.BACKUP_KEEP_WEEKLY ?? 4, monthly: env.BACKUP_KEEP_MONTHLY ?? 12 },
    /** Readiness reports the backup as degraded when the newest good one is older than this. */
    staleAfterHours: env.BACKUP_STALE_AFTER_HOURS ?? 26,
    schedules: {
      /** `backup`: daily by default; null (off) makes readiness report `not-scheduled`. */
      backup: cronSchedule('JOB_BACKUP_CRON', env.JOB_BACKUP_CRON, '0 2 * * *', problems),
      /** `backup-drill`: Sundays by default. */
      backupDrill: cronSchedule('JOB_BACKUP_DRILL_CRON', env.JOB_BACKUP_DRILL_CRON, '0 4 * * 0', problems),
    },
  }),
});

export type BackupsConfig = ConfigOf<typeof BACKUPS_CONFIG>;
