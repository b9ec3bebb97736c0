import { AppError } from '@app/common';

/** A state change the state machine does not allow from the current state: 409 problem+json. */
export class InvalidTransitionError extends AppError {
  constructor(entity: 'subscription' | 'invoice' | 'payment', from: string, to: string) {
    super('invalid-state-transition', 409, 'Conflict', {
      detail: `A ${entity} cannot go from ${from} to ${to}`,
      extensions: { entity, from, to },
    });
  }
}

/** The user already has a subscription that is not over: change its plan instead (409). */
export class SubscriptionExistsError extends AppError {
  constructor(status: string) {
    super('subscription-exists', 409, 'Conflict', {
      detail: `You already have a subscription (${status}): change its plan with PATCH /v1/billing/subscription, or cancel it first`,
      extensions: { currentStatus: status },
    });
  }
}

/** The Idempotency-Key was used before with another request (body, method or path): 422. */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super('idempotency-key-reused', 422, 'Unprocessable Content', {
      detail: 'This Idempotency-Key was used with a different request in the last 24 hours: use a new key for a new request',
    });
  }
}

/** The first request with this Idempotency-Key is still running: 409, retry shortly for its response. */
export class IdempotencyKeyInFlightError extends AppError {
  constructor() {
    super('idempotency-key-in-flight', 409, 'Conflict', {
      detail: 'A request with this Idempotency-Key is still being processed: retry in a moment to get its response',
      headers: { 'retry-after': '1' },
    });
  }
}
