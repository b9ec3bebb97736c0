import type { ModelCtor } from 'sequelize-typescript';
import { AUDITING_CONFIG, AUDITING_MODELS } from '@app/auditing';
import { BACKUPS_CONFIG, BACKUPS_MODELS } from '@app/backups';
import { BILLING_CONFIG, BILLING_MODELS } from '@app/billing';
import type { ConfigSlice } from '@app/config';
import { COPYRIGHTS_CONFIG, COPYRIGHTS_MODELS } from '@app/copyrights';
import { JOBS_CONFIG, JOBS_MODELS } from '@app/jobs';
import { NOTIFICATIONS_CONFIG, NOTIFICATIONS_MODELS } from '@app/notifications';
import { RECOMMENDATIONS_CONFIG, RECOMMENDATIONS_MODELS } from '@app/recommendations';
import { REDIS_CONFIG } from '@app/redis';
import { SESSIONS_CONFIG, SESSIONS_MODELS } from '@app/sessions';
import { TRADEMARKS_CONFIG, TRADEMARKS_MODELS } from '@app/trademarks';
import { USERS_CONFIG, USERS_MODELS } from '@app/users';

/**
 * The composition root: the one place that knows every feature lib. The apps (api, worker,
 * cli), the tests (test/support) and the benchmarks take these lists from here; libs never
 * import this file (ESLint refuses it), and libs/database and libs/config know no feature.
 *
 * A new feature lib adds its model list and its config slice here (see "Adding a feature lib"
 * in README.md).
 */

/** Every model of every feature lib: the Sequelize connection, the schema-drift check, backups' table counts. */
export const ALL_MODELS: ModelCtor[] = [
  ...USERS_MODELS,
  ...SESSIONS_MODELS,
  ...NOTIFICATIONS_MODELS,
  ...AUDITING_MODELS,
  ...JOBS_MODELS,
  ...BACKUPS_MODELS,
  ...TRADEMARKS_MODELS,
  ...RECOMMENDATIONS_MODELS,
  ...BILLING_MODELS,
  ...COPYRIGHTS_MODELS,
];

/** Every feature lib's config slice, validated at boot together with the core variables (one message for all). */
export const CONFIG_SLICES: readonly ConfigSlice[] = [
  REDIS_CONFIG,
  USERS_CONFIG,
  SESSIONS_CONFIG,
  NOTIFICATIONS_CONFIG,
  AUDITING_CONFIG,
  JOBS_CONFIG,
  BACKUPS_CONFIG,
  TRADEMARKS_CONFIG,
  RECOMMENDATIONS_CONFIG,
  BILLING_CONFIG,
  COPYRIGHTS_CONFIG,
];
