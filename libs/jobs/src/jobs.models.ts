import { JobRun } from './models/job-run.model';

/** The models of the jobs lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const JOBS_MODELS = [JobRun];
