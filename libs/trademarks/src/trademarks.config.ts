import { IsOptional, IsString } from 'class-validator';
import { cronSchedule, defineConfigSlice, type ConfigOf } from '@app/config';

/** The environment variables of the trademarks lib. */
export class TrademarksVariables {
  @IsOptional() @IsString() JOB_TRADEMARK_WATCHES_CRON?: string;
  @IsOptional() @IsString() JOB_REGISTRY_REANALYZE_CRON?: string;
}

export const TRADEMARKS_CONFIG = defineConfigSlice({
  name: 'trademarks',
  variables: TrademarksVariables,
  load: (env, { problems }) => ({
    /** `trademark-watches`: hourly by default. */
    watchesSchedule: cronSchedule('JOB_TRADEMARK_WATCHES_CRON', env.JOB_TRADEMARK_WATCHES_CRON, '37 * * * *', problems),
    /** `registry-reanalyze`: every 5 minutes by default, so an upgraded registry is analyzed soon after the worker starts. */
    reanalyzeSchedule: cronSchedule('JOB_REGISTRY_REANALYZE_CRON', env.JOB_REGISTRY_REANALYZE_CRON, '*/5 * * * *', problems),
  }),
});

export type TrademarksConfig = ConfigOf<typeof TRADEMARKS_CONFIG>;
