import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  MemoryHealthIndicator,
  SequelizeHealthIndicator,
} from '@nestjs/terminus';
import { AppConfigService } from '@app/config';
import { MigrationService } from '@app/database';
import { LifecycleService } from './lifecycle.service';

@ApiTags('operations')
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: SequelizeHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly migrations: MigrationService,
    private readonly lifecycle: LifecycleService,
    private readonly config: AppConfigService,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: not shutting down, database answers, schema migrated, heap below its limit' })
  ready(): Promise<HealthCheckResult> {
    const { healthDbTimeoutMs, healthHeapLimitBytes } = this.config.observability;
    return this.health.check([
      () => {
        const indicator = this.indicators.check('lifecycle');
        return this.lifecycle.isShuttingDown ? indicator.down({ state: 'shutting down' }) : indicator.up({ state: 'serving' });
      },
      () => this.db.pingCheck('database', { timeout: healthDbTimeoutMs }),
      async () => {
        const indicator = this.indicators.check('migrations');
        const pending = await this.migrations.pending();
        return pending.length === 0 ? indicator.up() : indicator.down({ pending });
      },
      () => this.memory.checkHeap('heap', healthHeapLimitBytes),
    ]);
  }
}
