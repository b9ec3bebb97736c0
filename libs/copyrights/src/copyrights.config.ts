import { isAbsolute } from 'node:path';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the copyrights lib. */
export class CopyrightsVariables {
  @IsOptional() @IsString() JOB_COPYRIGHT_TRANSFERS_CRON?: string;
  @IsOptional() @EnvInt() @IsInt() @Min(1024) @Max(1024 * 1024 * 1024) COPYRIGHT_UPLOAD_MAX_BYTES?: number;
  @IsOptional() @IsString() @MaxLength(1024) COPYRIGHT_CONTENT_DIR?: string;
}

export const COPYRIGHTS_CONFIG = defineConfigSlice({
  name: 'copyrights',
  variables: CopyrightsVariables,
  load: (env, { problems }) => {
    const contentDir = env.COPYRIGHT_CONTENT_DIR?.trim() || null;
    if (contentDir && !isAbsolute(contentDir)) problems.push(`COPYRIGHT_CONTENT_DIR=${contentDir}: an absolute path is wanted`);
    return {
      /** `copyright-transfers-expiry`: hourly by default. */
      transferExpirySchedule: cronSchedule('JOB_COPYRIGHT_TRANSFERS_CRON', env.JOB_COPYRIGHT_TRANSFERS_CRON, '23 * * * *', problems),
      /** Largest accepted content upload (one file); more answers 413 and nothing is kept. */
      uploadMaxBytes: env.COPYRIGHT_UPLOAD_MAX_BYTES ?? 50 * 1024 * 1024,
      /** Where deposit copies are kept; null (the default): fingerprints only, the file is not kept. */
      contentDir,
    };
  },
});

export type CopyrightsConfig = ConfigOf<typeof COPYRIGHTS_CONFIG>;
