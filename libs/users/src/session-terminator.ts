import type { DbTransaction } from '@app/database';

/**
 * Ends every session of a user. Implemented by the sessions lib, which depends on this one and
 * registers itself with UsersService at init (`useSessionTerminator`), so that disabling an
 * account here takes effect without this lib depending on sessions.
 */
export abstract class SessionTerminator {
  abstract endAllSessions(userId: string, reason: string, transaction?: DbTransaction): Promise<number>;
}
