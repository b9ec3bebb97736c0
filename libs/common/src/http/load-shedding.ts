import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from '../problem/problem-details';

export type ShedReason = 'db-pool-queue' | 'event-loop-delay';
export const SHED_REASONS: readonly ShedReason[] = ['db-pool-queue', 'event-loop-delay'];

export interface LoadSheddingOptions {
  /** Shed while more requests than this wait for a pooled connection; 0: never. */
  dbQueueMax: number;
  /** Shed while the event loop's mean delay (ms, over the last sample) exceeds this; 0: never. */
  eventLoopDelayMs: number;
  retryAfterS: number;
  /** How many requests wait for a pooled database connection now. */
  dbQueueLength: () => number;
  shed: Counter<string>;
}

/** How often the event loop delay is sampled (its mean over this window is compared). */
const SAMPLE_INTERVAL_MS = 500;

/**
 * Routes always served: orchestrators and scrapers must see an overloaded instance as it is
 * (readiness answers from its own connection, so a busy pool does not fail it).
 */
export function isExemptFromShedding(route: string | undefined): boolean {
  return route === '/metrics' || (route?.startsWith('/health/') ?? false);
}

/** Whether a request arriving now is shed, and why: the pool's queue first, then the event loop. */
export function shedReason(state: { dbQueueLength: number; eventLoopDelayMs?: number }, limits: { dbQueueMax: number; eventLoopDelayMs: number }): ShedReason | null {
  if (limits.dbQueueMax > 0 && state.dbQueueLength > limits.dbQueueMax) return 'db-pool-queue';
  if (limits.eventLoopDelayMs > 0 && state.eventLoopDelayMs !== undefined && state.eventLoopDelayMs > limits.eventLoopDelayMs) return 'event-loop-delay';
  return null;
}

const DETAIL: Record<ShedReason, string> = {
  'db-pool-queue': 'The service is overloaded (too many requests are waiting for the database); retry after the time Retry-After gives',
  'event-loop-delay': 'The service is overloaded; retry after the time Retry-After gives',
};

/**
 * Load shedding: an overloaded instance answers new requests 503 with Retry-After at once (as
 * problem+json, with the request id and security headers the earlier hooks set) instead of
 * letting them queue for a database connection until the acquire timeout. Two signals: the
 * application pool's wait queue, read on every request, and the event loop's delay, measured
 * by @fastify/under-pressure. Health and metrics are always served. Register after the hooks
 * that set the request id and the security headers.
 */
export async function useLoadShedding(fastify: FastifyInstance, options: LoadSheddingOptions): Promise<void> {
  for (const reason of SHED_REASONS) options.shed.inc({ reason }, 0);

  const answer = (request: FastifyRequest, reply: FastifyReply, reason: ShedReason): ProblemDetails => {
    options.shed.inc({ reason });
    void reply.code(503).header('retry-after', String(options.retryAfterS)).header('content-type', PROBLEM_CONTENT_TYPE);
    return {
      type: problemType('overloaded'),
      title: 'Service Unavailable',
      status: 503,
      detail: DETAIL[reason],
      instance: (request.url ?? '').split('?')[0],
      requestId: String(request.id),
      retryAfter: options.retryAfterS,
      reason,
    };
  };

  if (options.dbQueueMax > 0) {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!isExemptFromShedding(request.routeOptions?.url) && shedReason({ dbQueueLength: options.dbQueueLength() }, options) === 'db-pool-queue') {
        void reply.send(answer(request, reply, 'db-pool-queue'));
        return;
      }
      done();
    });
  }

  if (options.eventLoopDelayMs > 0) {
    // The first samples hold the start-up's own work (module init runs as the server starts):
    // not a sign of load, so no shedding for event-loop delay until two samples after ready.
    let shedFrom = Number.POSITIVE_INFINITY;
    fastify.addHook('onReady', (done) => {
      shedFrom = Date.now() + 2 * SAMPLE_INTERVAL_MS;
      done();
    });
    await fastify.register(underPressure, {
      maxEventLoopDelay: options.eventLoopDelayMs,
      sampleInterval: SAMPLE_INTERVAL_MS,
      retryAfter: options.retryAfterS,
      // Called only while under pressure. Not sending lets the request through (the exempt
      // routes); once sent, the plugin's next() finds the reply sent and stops there.
      pressureHandler: (request, reply) => {
        if (Date.now() >= shedFrom && !isExemptFromShedding(request.routeOptions?.url)) void reply.send(answer(request, reply, 'event-loop-delay'));
      },
    });
  }
}
