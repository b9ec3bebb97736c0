import { AppError } from '@app/common';
import type { CopyrightStatus } from './copyright-lifecycle';

/** An action the work's current state does not allow: 409 naming that state. */
export class CopyrightStateError extends AppError {
  constructor(action: string, status: CopyrightStatus) {
    super('copyright-invalid-transition', 409, 'Conflict', {
      detail: `The work is ${status}: ${action} is not allowed in that state`,
      extensions: { currentStatus: status },
    });
  }
}

export class RegistrationNumberTakenProblem extends AppError {
  constructor() {
    super('copyright-registration-number-taken', 409, 'Conflict', { detail: 'The registration number is already recorded for another work' });
  }
}
