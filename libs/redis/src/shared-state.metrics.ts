import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const REDIS_CONNECTED = 'redis_connected';
export const SHARED_STATE_FALLBACKS = 'shared_state_fallbacks_total';

/** What instances share through Redis; each falls back to the instance's own state on its own. */
export const SHARED_FEATURES = ['rate-limit', 'session-revocation', 'lockout'] as const;
export type SharedFeature = (typeof SHARED_FEATURES)[number];

export const sharedStateMetricProviders = [
  makeGaugeProvider({
    name: REDIS_CONNECTED,
    help: 'Whether this instance is connected to Redis (REDIS_URL), per connection: "commands" (counters, lockouts, publishing) and "subscriber" (revocation broadcasts). Absent without REDIS_URL.',
    labelNames: ['connection'],
  }),
  makeCounterProvider({
    name: SHARED_STATE_FALLBACKS,
    help: 'Operations on shared state served from this instance alone because Redis did not answer (REDIS_URL set), by feature: rate-limit (per-instance counters), lockout (per-instance unknown-address lockouts), session-revocation (a broadcast not sent: other instances learn within SESSION_CACHE_TTL_MS).',
    labelNames: ['feature'],
  }),
];
