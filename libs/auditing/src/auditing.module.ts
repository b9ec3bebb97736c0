import { Global, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { apiLogControllers, apiLogProviders, ApiLogService } from './api-log';
import { AdminAuditLogsController } from './audit-log/admin-audit-logs.controller';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import { AuditInterceptor } from './audit-log/audit.interceptor';
import { AuditedRoutes } from './audit-log/audited-routes';
import { auditMetricProviders } from './audit-log/audit.metrics';
import { AuditService } from './audit-log/audit.service';
import { AuditCheckpoints } from './audit-log/checkpoints/audit-checkpoints.service';
import { AuditingJobs } from './auditing.jobs';
import { AUDITING_MODELS } from './auditing.models';

/**
 * The audit log (and its interceptor, on every mutating route) and the request log. Global:
 * every feature records its critical events through AuditService in its own transactions.
 */
@Global()
@Module({
  imports: [SequelizeModule.forFeature(AUDITING_MODELS)],
  controllers: [AdminAuditLogsController, ...apiLogControllers],
  providers: [
    AuditLogRepository,
    AuditService,
    AuditCheckpoints,
    ...auditMetricProviders,
    ...apiLogProviders,
    AuditInterceptor,
    AuditedRoutes,
    AuditingJobs,
  ],
  exports: [AuditService, ApiLogService],
})
export class AuditingModule {}
