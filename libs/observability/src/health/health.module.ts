import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { LifecycleModule } from './lifecycle.module';

export interface HealthModuleOptions {
  /**
   * Modules that export the optional inputs of readiness, composed by the app: the backups lib's
   * module exports the BackupStatusReporter (observability imports no feature lib).
   */
  imports?: ModuleMetadata['imports'];
}

/** GET /health/live and /health/ready, and the app's LifecycleService. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), LifecycleModule, ...(options.imports ?? [])],
      controllers: [HealthController],
      exports: [LifecycleModule],
    };
  }
}
