import { AppError } from '@app/common';

/** A state change the state machine does not allow from the current state: 409 problem+json. */
export class InvalidTransitionError extends AppError {
  constructor(entity: 'subscription' | 'invoice', from: string, to: string) {
    super('invalid-state-transition', 409, 'Conflict', {
      detail: `A ${entity} cannot go from ${from} to ${to}`,
      extensions: { entity, from, to },
    });
  }
}
