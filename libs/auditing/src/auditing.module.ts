import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { SequelizeModule } from '@nestjs/sequelize';
import { ApiLog, apiLogControllers, apiLogProviders, ApiLogService } from './api-log';
import { AdminAuditLogsController } from './audit-log/admin-audit-logs.controller';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import { AuditInterceptor } from './audit-log/audit.interceptor';
import { auditMetricProviders } from './audit-log/audit.metrics';
import { AuditService } from './audit-log/audit.service';
import { AuditLog } from './audit-log/models/audit-log.model';

/**
 * The audit log (and its global interceptor) and the request log. Global: every feature records
 * its critical events through AuditService in its own transactions.
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
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditService, ApiLogService],
})
export class AuditingModule {}
