import type { Provider } from '@nestjs/common';
import { AppConfigService } from '@app/config';
import { AUDITING_CONFIG, type AuditingConfig } from '../auditing.config';
import { apiLogMetricProviders } from './api-log.metrics';
import { ApiLogRepository } from './api-log.repository';
import { ApiLogService } from './api-log.service';
import { API_LOG_WRITER_OPTIONS, ApiLogWriter, type ApiLogWriterOptions } from './api-log.writer';
import { ApiLogsController } from './api-logs.controller';

/**
 * Everything the request log needs in a module that also imports
 * `SequelizeModule.forFeature([ApiLog])` (the AuditingModule).
 */
export const apiLogProviders: Provider[] = [
  ...apiLogMetricProviders,
  {
    provide: API_LOG_WRITER_OPTIONS,
    inject: [AppConfigService, AUDITING_CONFIG.token],
    useFactory: (config: AppConfigService, auditing: AuditingConfig): ApiLogWriterOptions => ({
      ...auditing.apiLog,
      retryBaseMs: 500,
      retryMaxMs: 30_000,
      // The final flush must fit in the shutdown grace period, with room for the rest of the close.
      closeTimeoutMs: Math.max(1_000, Math.floor(config.http.shutdownGraceMs / 2)),
    }),
  },
  ApiLogRepository,
  ApiLogWriter,
  ApiLogService,
];

export const apiLogControllers = [ApiLogsController];

export { ApiLogService, type PartitionMaintenance } from './api-log.service';
export { ApiLog } from './models/api-log.model';
export type { ApiLogRecord, ApiLogListQuery, ApiLogFilter } from './api-log.types';
