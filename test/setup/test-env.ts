/** Environment variables the global setup hands to the test workers. */
export const ADMIN_URL_VAR = 'CLEARMARK_TEST_ADMIN_URL';
export const TEMPLATE_DB_VAR = 'CLEARMARK_TEST_TEMPLATE_DB';
/** The run's Redis URL (REDIS_URL, or a redis-server the setup started); unset when there is none. */
export const REDIS_URL_VAR = 'CLEARMARK_TEST_REDIS_URL';
/** Why the run has no Redis (the Redis specs print it and skip, unless REQUIRE_REDIS=1). */
export const REDIS_SKIP_VAR = 'CLEARMARK_TEST_REDIS_SKIP';
