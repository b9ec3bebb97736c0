/**
 * What readiness says about backups. `degraded` (the last backup failed, or the newest good one
 * is stale or missing) is information for operators and alerts, never a reason to take the
 * instance out of the load balancer: readiness stays 200.
 */
export interface BackupStatus {
  state: 'ok' | 'degraded' | 'not-scheduled' | 'unknown';
  /** Why the state is not ok, in words an operator can act on. */
  reason?: string;
  lastSuccessAt?: string | null;
  lastFailureAt?: string | null;
}

/**
 * Implemented by the backups lib and picked up by readiness when the app has it (optional
 * injection), so that observability does not depend on backups.
 */
export abstract class BackupStatusReporter {
  abstract backupStatus(): Promise<BackupStatus>;
}
