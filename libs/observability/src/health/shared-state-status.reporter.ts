/**
 * What readiness says about the state instances share (Redis). `degraded` (REDIS_URL is set and
 * Redis does not answer) is information for operators and alerts, never a reason to take the
 * instance out of the load balancer: it keeps serving on its own state, and readiness stays 200.
 */
export interface SharedStateStatus {
  /** `in-process`: no REDIS_URL, each instance keeps its own state (by configuration, not a fault). */
  mode: 'redis' | 'in-process';
  state: 'ok' | 'degraded';
  /** Why the state is degraded, without hosts or credentials (readiness is unauthenticated). */
  reason?: string;
}

/** Implemented by the redis lib and picked up by readiness when the app has it (optional injection). */
export abstract class SharedStateStatusReporter {
  abstract sharedStateStatus(): SharedStateStatus;
}
