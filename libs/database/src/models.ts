import type { ModelCtor } from 'sequelize-typescript';

/**
 * Every model of every feature lib, in one list: the app, the tests and the schema-drift check
 * all register exactly these. A feature adds its models here when it adds their migration.
 */
export const ALL_MODELS: ModelCtor[] = [];
