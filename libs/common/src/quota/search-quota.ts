import type { DbTransaction } from '@app/database';

/**
 * The port through which a search takes one unit of its user's quota, implemented by billing
 * and injected (optionally) by trademarks, so that neither lib imports the other: the
 * composition root hands billing's implementation to the trademarks module.
 */
export abstract class SearchQuota {
  /**
   * Takes one search from the user's quota of the current period inside `transaction` (the
   * search's own: a search that rolls back gives its unit back). Throws an AppError (402) when
   * the quota is used up.
   */
  abstract consume(userId: string, transaction: DbTransaction): Promise<void>;
}
