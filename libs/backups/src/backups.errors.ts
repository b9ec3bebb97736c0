import { AppError } from '@app/common';

/** A backup, drill or restore that cannot go on, with a message that says what to do. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export class BackupNotFoundError extends AppError {
  constructor(id: string) {
    super('backup-not-found', 404, 'Not Found', { detail: `No backup run has the id ${id}` });
  }
}

/** `backup:restore` will not run: unknown file, checksum mismatch, or a non-empty target without --force. */
export class RestoreRefusedError extends BackupError {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

/** POST /v1/admin/backups while a backup runs: one at a time. */
export class BackupAlreadyRunningError extends AppError {
  constructor() {
    super('backup-running', 409, 'Conflict', {
      detail: 'A backup is already running; poll GET /v1/admin/backups and start another once it has finished',
    });
  }
}
