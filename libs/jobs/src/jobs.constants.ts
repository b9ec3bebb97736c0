import type { JobsProcess } from './jobs.types';

export const JOBS_MODULE_OPTIONS = Symbol('JOBS_MODULE_OPTIONS');

export interface JobsModuleOptions {
  /** The app hosting the jobs; decides the default of SCHEDULER_ENABLED. */
  process: JobsProcess;
}

/**
 * Whether this process runs the scheduler: SCHEDULER_ENABLED when set, else on in the worker and
 * (for a one-process development setup) in the api in development. The cli never schedules; it
 * runs single jobs with `jobs:run`.
 */
export function schedulerEnabled(process: JobsProcess, env: string, configured: boolean | undefined): boolean {
  if (process === 'cli') return false;
  return configured ?? (process === 'worker' || env === 'development');
}
