import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const API_LOG_QUEUE_DEPTH = 'api_log_queue_depth';
export const API_LOG_ROWS_WRITTEN = 'api_log_rows_written_total';
export const API_LOG_DROPPED = 'api_log_dropped_total';
export const API_LOG_FLUSH_DURATION = 'api_log_flush_duration_seconds';
export const API_LOG_FLUSH_FAILURES = 'api_log_flush_failures_total';

/** Why a row never reached the database: the buffer was full, or the final flush gave up. */
export type ApiLogDropReason = 'buffer_full' | 'shutdown';

export const apiLogMetricProviders = [
  makeGaugeProvider({
    name: API_LOG_QUEUE_DEPTH,
    help: 'Request-log rows waiting in memory to be written (at most API_LOG_BUFFER_MAX).',
  }),
  makeCounterProvider({
    name: API_LOG_ROWS_WRITTEN,
    help: 'Request-log rows written to api_logs.',
  }),
  makeCounterProvider({
    name: API_LOG_DROPPED,
    help: 'Request-log rows lost: reason="buffer_full" (the buffer held API_LOG_BUFFER_MAX rows, the new row was refused) or "shutdown" (the final flush kept failing).',
    labelNames: ['reason'],
  }),
  makeHistogramProvider({
    name: API_LOG_FLUSH_DURATION,
    help: 'Time to write one batch of request-log rows (one multi-row INSERT), failed attempts included.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
  makeCounterProvider({
    name: API_LOG_FLUSH_FAILURES,
    help: 'Batches of request-log rows that could not be written; their rows are kept and retried with backoff.',
  }),
];
