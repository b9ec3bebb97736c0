import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { LRUCache } from 'lru-cache';

export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';
export const HTTP_REQUESTS_TOTAL = 'http_requests_total';

const LABELS = ['method', 'route', 'status_code'];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const httpMetricProviders = [
  makeHistogramProvider({
    name: HTTP_REQUEST_DURATION,
    help: 'Time from receiving a request to sending its response, by method, route template and status code.',
    labelNames: LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  makeCounterProvider({
    name: HTTP_REQUESTS_TOTAL,
    help: 'Requests answered, by method, route template and status code.',
    labelNames: LABELS,
  }),
];

/** Label sets by method, route template and status: a handful per route, reused for every request. */
const labelCache = new LRUCache<string, Record<string, string>>({ max: 10_000 });

/**
 * Labels stay bounded: the route is the matched template (`/v1/users/:id`), never the raw path,
 * and an unmatched request counts under `route="unmatched"`.
 */
export function httpLabels(request: FastifyRequest, statusCode: number): Record<string, string> {
  const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
  const route = request.routeOptions?.url ?? 'unmatched';
  const key = `${method} ${statusCode} ${route}`;
  let labels = labelCache.get(key);
  if (!labels) {
    labels = Object.freeze({ method, route, status_code: String(statusCode) }) as Record<string, string>;
    labelCache.set(key, labels);
  }
  return labels;
}

/**
 * Observes every request Fastify answers, including 404s and errors raised before routing.
 * The duration is Fastify's own (reply.elapsedTime, from the moment it took the request in,
 * as the request log has it): no hook, WeakMap entry or BigInt per request to time it here.
 * Callback-style: an async hook costs a promise (and its async-hooks bookkeeping) per request.
 */
export function instrumentHttp(
  fastify: FastifyInstance,
  duration: Histogram<string>,
  total: Counter<string>,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = httpLabels(request, reply.statusCode);
    total.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
