import { IsBoolean, IsOptional } from 'class-validator';
import { defineConfigSlice, EnvBool, type ConfigOf } from '@app/config';

/** The environment variables of the jobs lib; each job's schedule belongs to the lib that owns the job. */
export class JobsVariables {
  @IsOptional() @EnvBool() @IsBoolean() SCHEDULER_ENABLED?: boolean;
}

export const JOBS_CONFIG = defineConfigSlice({
  name: 'jobs',
  variables: JobsVariables,
  load: (env) => ({
    /**
     * SCHEDULER_ENABLED as set; undefined when unset, and each process applies its own default
     * (the worker runs the scheduler, the api only in development, the cli never).
     */
    schedulerEnabled: env.SCHEDULER_ENABLED,
  }),
});

export type JobsConfig = ConfigOf<typeof JOBS_CONFIG>;
