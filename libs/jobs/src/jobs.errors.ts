import { AppError } from '@app/common';

export class UnknownJobError extends AppError {
  constructor(name: string, known: string[]) {
    super('unknown-job', 404, 'Unknown Job', { detail: `No job is named "${name}"; known jobs: ${known.join(', ') || 'none'}` });
  }
}
