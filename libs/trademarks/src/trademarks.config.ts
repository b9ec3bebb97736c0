import { availableParallelism } from 'node:os';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the trademarks lib. */
export class TrademarksVariables {
  @IsOptional() @IsString() JOB_TRADEMARK_WATCHES_CRON?: string;
  @IsOptional() @IsString() JOB_REGISTRY_REANALYZE_CRON?: string;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(64) REGISTRY_IMPORT_WORKERS?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(1) @Max(65536) REGISTRY_IMPORT_INDEX_MEMORY_MB?: number;
}

/**
 * maintenance_work_mem of a bulk load's index builds, in MB. Small on purpose: PostgreSQL 15
 * builds a GIN index by collecting its keys in a red-black tree of up to maintenance_work_mem,
 * and the look-alike keys' tree (millions of distinct keys) spends its time in cache misses when
 * it is large. Built over 1,000,000 records, that index took about 27 s of CPU at 32 MB against
 * 39 s at 256 MB and 39-43 s at 1 GB (bench/RESULTS.md, "Smaller index-build memory").
 */
export const DEFAULT_IMPORT_INDEX_MEMORY_MB = 32;

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
    /** maintenance_work_mem (MB) of the index builds that end a bulk load into an empty registry. */
    importIndexMemoryMb: env.REGISTRY_IMPORT_INDEX_MEMORY_MB ?? DEFAULT_IMPORT_INDEX_MEMORY_MB,
  }),
});

export type TrademarksConfig = ConfigOf<typeof TRADEMARKS_CONFIG>;
