import { Injectable } from '@nestjs/common';

/** Whether this instance is shutting down: readiness fails from the first moment it is. */
@Injectable()
export class LifecycleService {
  private shuttingDown = false;

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
