export const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');

export interface DatabaseModuleOptions {
  /** Overrides MIGRATE_ON_START (the CLI never migrates implicitly). */
  migrateOnStart?: boolean;
  /** Shown in pg_stat_activity; one per app (clearmark-api, clearmark-worker, clearmark-cli). */
  applicationName?: string;
}
