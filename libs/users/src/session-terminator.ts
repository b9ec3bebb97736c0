import type { DbTransaction } from '@app/database';

/**
 * Ends every session of a user (implemented by the sessions lib, provided globally), so that
 * disabling an account here takes effect without this lib depending on sessions.
 */
export abstract class SessionTerminator {
  abstract endAllSessions(userId: string, reason: string, transaction?: DbTransaction): Promise<number>;
}
