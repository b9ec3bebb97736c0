import { Global, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { ApiLog, apiLogControllers, apiLogProviders, ApiLogService } from './api-log';
import { AdminAuditLogsController } from './audit-log/admin-audit-logs.controller';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import { AuditInterceptor } from './audit-log/audit.interceptor';
import { AuditedRoutes } from './audit-log/audited-routes';
import { auditMetricProviders } from './audit-log/audit.metrics';
import { AuditService } from './audit-log/audit.service';
import { AuditLog } from './audit-log/models/audit-log.model';

/**
 * The audit log (and its interceptor, on every mutating route) and the request log. Global:
 * every feature records its critical events through AuditService in its own transactions.
 */
@Global()
@Module({
  imports: [SequelizeModule.forFeature([AuditLog, ApiLog])],
  controllers: [AdminAuditLogsController, ...apiLogControllers],
  providers: [
    AuditLogRepository,
    AuditService,
    ...auditMetricProviders,
    ...apiLogProviders,
    AuditInterceptor,
    AuditedRoutes,
  ],
  exports: [AuditService, ApiLogService],
})
export class AuditingModule {}
