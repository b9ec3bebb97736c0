import { AppError, ValidationFailedError } from '@app/common';

export class EmailTakenProblem extends AppError {
  constructor() {
    super('email-taken', 409, 'Conflict', { detail: 'An account with this e-mail address already exists; sign in instead' });
  }
}

/** The one answer for an unknown e-mail, a wrong password and a disabled account alike. */
export class InvalidCredentialsProblem extends AppError {
  constructor() {
    super('invalid-credentials', 401, 'Unauthorized', { detail: 'The e-mail address or the password is incorrect' });
  }
}

export class AccountLockedProblem extends AppError {
  constructor(retryAfterS: number) {
    super('account-locked', 423, 'Locked', {
      detail: 'Too many wrong passwords (sign-ins or password confirmations); try again later',
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterS))) },
      extensions: { retryAfter: Math.max(1, Math.ceil(retryAfterS)) },
    });
  }
}

export class WeakPasswordProblem extends ValidationFailedError {
  constructor(field: string, reason: string) {
    super([{ field, message: reason }], `The ${field} ${reason}`);
  }
}

export class WrongPasswordProblem extends AppError {
  constructor() {
    super('wrong-password', 403, 'Forbidden', { detail: 'The current password is incorrect' });
  }
}
