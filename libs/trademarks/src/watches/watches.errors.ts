import { AppError } from '@app/common';

/** The caller already watches this mark in these classes: 409 naming the watch to change instead. */
export class DuplicateWatchError extends AppError {
  constructor(existingId?: string) {
    super('watch-duplicate', 409, 'Conflict', {
      detail: `You already watch this mark in these classes${existingId ? ` (watch ${existingId})` : ''}; change that watch with PATCH instead`,
      ...(existingId ? { extensions: { watchId: existingId } } : {}),
    });
  }
}
