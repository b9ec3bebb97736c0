import { SetMetadata } from '@nestjs/common';

export const AUDIT_OPTIONS = 'clearmark:audit';

export interface AuditOptions {
  /** Dotted action name; by default derived from the route (`PATCH /v1/admin/users/:id` -> `admin.users.update`). */
  action?: string;
  /** The kind of entity the request acts on, e.g. `user`. */
  entityType?: string;
  /** The route parameter holding the entity id, e.g. `id`. */
  entityIdParam?: string;
  /** Leave this route to explicit AuditService.record calls only. */
  skip?: boolean;
}

/** Declares how the audit interceptor records a mutating route. */
export function Audit(options: AuditOptions | string): MethodDecorator & ClassDecorator {
  return SetMetadata(AUDIT_OPTIONS, typeof options === 'string' ? { action: options } : options);
}
