import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { SearchOutcome } from './search.types';

/** A clearance search that has been committed to the user's history. */
export interface CompletedSearch {
  userId: string;
  search: SearchOutcome;
}

export type SearchListener = (event: CompletedSearch) => Promise<void>;

/**
 * After-search hooks: other libs (recommendations) subscribe to committed searches without the
 * trademarks lib knowing them. Listeners run after the search's transaction committed and after
 * the response is on its way, so a slow or failing listener never slows or fails a search; their
 * failures are logged. Shutdown waits for the running ones before the database closes.
 */
@Injectable()
export class SearchEvents implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SearchEvents');
  private readonly listeners: SearchListener[] = [];
  private readonly running = new Set<Promise<void>>();

  subscribe(listener: SearchListener): void {
    this.listeners.push(listener);
  }

  /** Starts every listener for a committed search; does not wait for them. */
  emit(event: CompletedSearch): void {
    for (const listener of this.listeners) {
      const run: Promise<void> = Promise.resolve()
        .then(() => listener(event))
        .catch((err: unknown) => this.logger.error({ err, searchId: event.search.id }, 'an after-search listener failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** Resolves when the listeners started so far have finished (shutdown; tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.settled();
  }
}
