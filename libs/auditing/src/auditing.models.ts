import { ApiLog } from './api-log/models/api-log.model';
import { AuditLog } from './audit-log/models/audit-log.model';

/** The models of the auditing lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const AUDITING_MODELS = [AuditLog, ApiLog];
