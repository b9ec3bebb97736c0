export * from './maintenance-jobs.module';
