import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { LifecycleService } from '@app/observability';
import { loggableError } from '../problem/problem.filter';

export interface ShutdownOptions {
  /** Readiness answers 503 this long before the server stops accepting (lets balancers notice). */
  delayMs: number;
  /** In-flight work must finish within this; past it the process exits non-zero. */
  graceMs: number;
  /** Runs after the app closed (e.g. stop the embedded database). */
  afterClose?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stops in order: readiness turns 503, (after the delay) the server stops accepting and lets
 * in-flight requests finish, the lifecycle hooks run (the database pool closes last), then
 * `afterClose`. Resolves true when everything finished within the grace period.
 */
export async function gracefulShutdown(app: INestApplication, options: ShutdownOptions): Promise<boolean> {
  const logger = new Logger('Shutdown');
  app.get(LifecycleService).beginShutdown();
  if (options.delayMs > 0) await sleep(options.delayMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), options.graceMs);
  });
  const closed = (async () => {
    await app.close();
    await options.afterClose?.();
    return true as const;
  })();
  try {
    const finished = await Promise.race([closed, timedOut]);
    if (!finished) logger.error(`Shutdown did not finish within ${options.graceMs} ms`);
    return finished;
  } catch (error) {
    logger.error({ err: loggableError(error) }, 'Shutdown failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Wires SIGTERM and SIGINT to `gracefulShutdown` and exits 0 when it completes in time. */
export function exitOnSignals(app: INestApplication, options: ShutdownOptions): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    new Logger('Shutdown').log(`${signal} received: draining`);
    void gracefulShutdown(app, options).then((clean) => {
      // Give the log transport a moment to write the last lines.
      setTimeout(() => process.exit(clean ? 0 : 1), 100).unref();
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
