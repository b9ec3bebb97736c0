import { NotFoundError, ValidationFailedError } from '@app/common';

export class TrademarkRecordNotFoundProblem extends NotFoundError {
  constructor(serialNumber: string) {
    super(`No registry record has serial number ${serialNumber}`);
  }
}

/** A malformed identifier is a validation failure naming its parameter, like a malformed UUID. */
export class MalformedSerialNumberProblem extends ValidationFailedError {
  constructor() {
    super([{ field: 'serialNumber', message: 'must be 8 digits' }], 'A serial number is 8 digits');
  }
}

/** A registry file that cannot be imported at all (unknown format, missing, no header). */
export class RegistryImportError extends Error {}
