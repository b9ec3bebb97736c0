import { availableParallelism } from 'node:os';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the trademarks lib. */
export class TrademarksVariables {
  @IsOptional() @IsString() JOB_TRADEMARK_WATCHES_CRON?: string;
  @IsOptional() @IsString() JOB_REGISTRY_REANALYZE_CRON?: string;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(64) REGISTRY_IMPORT_WORKERS?: number;
}

export const TRADEMARKS_CONFIG = defineConfigSlice({
  name: 'trademarks',
  variables: TrademarksVariables,
  load: (env, { problems }) => ({
    /** `trademark-watches`: hourly by default. */
    watchesSchedule: cronSchedule('JOB_TRADEMARK_WATCHES_CRON', env.JOB_TRADEMARK_WATCHES_CRON, '37 * * * *', problems),
    /** `registry-reanalyze`: every 5 minutes by default, so an upgraded registry is analyzed soon after the worker starts. */
    reanalyzeSchedule: cronSchedule('JOB_REGISTRY_REANALYZE_CRON', env.JOB_REGISTRY_REANALYZE_CRON, '*/5 * * * *', problems),
    /**
     * Worker threads that analyze and encode a registry import's records while the main thread
     * parses and writes: one per core by default; 0 does it all on the main thread.
     */
    importWorkers: env.REGISTRY_IMPORT_WORKERS ?? availableParallelism(),
  }),
});

export type TrademarksConfig = ConfigOf<typeof TRADEMARKS_CONFIG>;
