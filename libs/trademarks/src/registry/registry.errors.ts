import { AppError, NotFoundError } from '@app/common';

export class TrademarkRecordNotFoundProblem extends NotFoundError {
  constructor(serialNumber: string) {
    super(`No registry record has serial number ${serialNumber}`);
  }
}

export class MalformedSerialNumberProblem extends AppError {
  constructor() {
    super('malformed-serial-number', 400, 'Bad Request', { detail: 'A serial number is 8 digits' });
  }
}

/** A registry file that cannot be imported at all (unknown format, missing, no header). */
export class RegistryImportError extends Error {}
