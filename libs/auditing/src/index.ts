export * from './auditing.module';
export { AuditService, type AuditEvent, type AuditVerification } from './audit-log/audit.service';
export { Audit, type AuditOptions } from './audit-log/audit.decorator';
export { redact, REDACTED } from './audit-log/redaction';
export { ApiLogService, type PartitionMaintenance, type ApiLogRecord, type ApiLogListQuery } from './api-log';
export * from './auditing.models';
export * from './auditing.config';
