/** Environment variables the global setup hands to the test workers. */
export const ADMIN_URL_VAR = 'CLEARMARK_TEST_ADMIN_URL';
export const TEMPLATE_DB_VAR = 'CLEARMARK_TEST_TEMPLATE_DB';
