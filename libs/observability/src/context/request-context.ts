import { AsyncLocalStorage } from 'node:async_hooks';

/** What a handler or service learns about the audit event of the current request. */
export interface AuditTrail {
  actorId?: string;
  actorRole?: string;
  entityType?: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
}

export interface RequestContextStore {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  /** Set by the auth guard once the caller is known. */
  userId?: string;
  role?: string;
  audit: AuditTrail;
}

const storage = new AsyncLocalStorage<RequestContextStore>();

/**
 * Per-request context (request id, client, caller, audit trail) reachable from any code running
 * for that request, so that services need not thread it through every signature.
 */
export const RequestContext = {
  run<T>(store: RequestContextStore, fn: () => T): T {
    return storage.run(store, fn);
  },
  current(): RequestContextStore | undefined {
    return storage.getStore();
  },
  /** Adds to the current request's audit trail (no-op outside a request). */
  audit(trail: AuditTrail): void {
    const store = storage.getStore();
    if (store) Object.assign(store.audit, trail);
  },
};
