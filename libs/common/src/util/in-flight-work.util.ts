const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Work a service has started and must let finish on shutdown (jobs, backups): track each
 * promise, then wait for all of them up to a deadline.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  async track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** True when everything in flight settled within `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    const all = Promise.allSettled([...this.running]).then(() => true);
    return Promise.race([all, sleep(timeoutMs).then(() => false)]);
  }
}
