import type { ModelCtor } from 'sequelize-typescript';

export const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');

export interface DatabaseModuleOptions {
  /** Overrides MIGRATE_ON_START (the CLI never migrates implicitly). */
  migrateOnStart?: boolean;
  /** Shown in pg_stat_activity; one per app (clearmark-api, clearmark-worker, clearmark-cli). */
  applicationName?: string;
  /**
   * Every model of every feature lib: the composition root's ALL_MODELS (apps/composition).
   * Each feature lib also registers its own with `SequelizeModule.forFeature` to inject them.
   */
  models: ModelCtor[];
}
