import { collectDefaultMetrics, register } from 'prom-client';

/**
 * prom-client's defaults include three gauges named `*_total`, a suffix Prometheus reserves for
 * counters (`promtool check metrics` rejects them). Each is only the sum of its per-type twin
 * (nodejs_active_handles, _requests, _resources), so it is dropped: `sum()` gives it back.
 */
const NON_CONFORMING = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Collects the process and Node.js default metrics once per process, under conforming names. */
export function collectDefaultMetricsOnce(): void {
  if (register.getSingleMetric('process_cpu_user_seconds_total')) return;
  collectDefaultMetrics();
  for (const name of NON_CONFORMING) register.removeSingleMetric(name);
}
