import { Module } from '@nestjs/common';
import { LifecycleService } from './lifecycle.service';

/**
 * The one LifecycleService of an app: HealthModule (readiness), JobsModule (no new tick once a
 * shutdown began) and the graceful shutdown (`app.get(LifecycleService)`) share it.
 */
@Module({ providers: [LifecycleService], exports: [LifecycleService] })
export class LifecycleModule {}
