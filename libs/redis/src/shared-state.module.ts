import { Module } from '@nestjs/common';
import { SharedStateStatusReporter } from '@app/observability';
import { sharedStateMetricProviders } from './shared-state.metrics';
import { SharedStateService } from './shared-state.service';

/**
 * The shared state (Redis when REDIS_URL is set). Imported by the libs that share state (common's
 * rate limits, users' lockouts, sessions' revocations) and by readiness; one instance per app.
 */
@Module({
  providers: [SharedStateService, ...sharedStateMetricProviders, { provide: SharedStateStatusReporter, useExisting: SharedStateService }],
  exports: [SharedStateService, SharedStateStatusReporter],
})
export class SharedStateModule {}
