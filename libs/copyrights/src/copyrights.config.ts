import { IsOptional, IsString } from 'class-validator';
import { cronSchedule, defineConfigSlice, type ConfigOf } from '@app/config';

/** The environment variables of the copyrights lib. */
export class CopyrightsVariables {
  @IsOptional() @IsString() JOB_COPYRIGHT_TRANSFERS_CRON?: string;
}

export const COPYRIGHTS_CONFIG = defineConfigSlice({
  name: 'copyrights',
  variables: CopyrightsVariables,
  load: (env, { problems }) => ({
    /** `copyright-transfers-expiry`: hourly by default. */
    transferExpirySchedule: cronSchedule('JOB_COPYRIGHT_TRANSFERS_CRON', env.JOB_COPYRIGHT_TRANSFERS_CRON, '23 * * * *', problems),
  }),
});

export type CopyrightsConfig = ConfigOf<typeof COPYRIGHTS_CONFIG>;
