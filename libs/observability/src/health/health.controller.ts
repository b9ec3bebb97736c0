import { type BeforeApplicationShutdown, Controller, Get, Optional, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
  MemoryHealthIndicator,
  SequelizeHealthIndicator,
} from '@nestjs/terminus';
import { AppConfigService } from '@app/config';
import { MigrationService } from '@app/database';
import { BackupStatusReporter, type BackupStatus } from './backup-status.reporter';
import { LifecycleService } from './lifecycle.service';

@ApiTags('operations')
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController implements BeforeApplicationShutdown {
  /** Mirrors terminus, which answers every check 503 from beforeApplicationShutdown on. */
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: SequelizeHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly migrations: MigrationService,
    private readonly lifecycle: LifecycleService,
    private readonly config: AppConfigService,
    @Optional() private readonly backups?: BackupStatusReporter,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: the process is up and its event loop answers',
    description: 'For the orchestrator’s liveness probe: 200 while the process serves, 503 once it is shutting down. Touches no dependency.',
  })
  live(): HealthCheckResult {
    // What `this.health.check([])` answers, without running terminus's executor for no checks
    // (about a tenth of the CPU of this probe, which orchestrators call every few seconds).
    if (this.shuttingDown) throw new ServiceUnavailableException({ status: 'shutting_down', info: {}, error: {}, details: {} });
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: whether this instance should receive traffic',
    description:
      'Not shutting down, the database answers, the schema is migrated and the heap is below its limit; 503 (problem+json with `checks`) otherwise. The backup status is reported but never fails readiness.',
  })
  ready(): Promise<HealthCheckResult> {
    const { healthDbTimeoutMs, healthHeapLimitBytes } = this.config.observability;
    const reporter = this.backups;
    const optional: HealthIndicatorFunction[] = reporter ? [() => this.backupCheck(reporter, healthDbTimeoutMs)] : [];
    return this.health.check([
      () => {
        const indicator = this.indicators.check('lifecycle');
        return this.lifecycle.isShuttingDown ? indicator.down({ state: 'shutting down' }) : indicator.up({ state: 'serving' });
      },
      () => this.db.pingCheck('database', { timeout: healthDbTimeoutMs }),
      async () => {
        const indicator = this.indicators.check('migrations');
        // Reads the database: bounded like the ping, and reported (not thrown) when it fails, so
        // that an outage answers with the checks rather than a bare error.
        const answer = await within(this.migrations.pending(), healthDbTimeoutMs);
        if (answer.kind === 'timeout') return indicator.down({ error: `no answer within ${healthDbTimeoutMs} ms` });
        if (answer.kind === 'error') return indicator.down({ error: 'could not read the applied migrations' });
        return answer.value.length === 0 ? indicator.up() : indicator.down({ pending: answer.value });
      },
      () => this.memory.checkHeap('heap', healthHeapLimitBytes),
      ...optional,
    ]);
  }

  /** Always `up`: a failed or stale backup is reported as `state: degraded`, not as unreadiness. */
  private async backupCheck(reporter: BackupStatusReporter, timeoutMs: number): Promise<HealthIndicatorResult> {
    const answer = await within(reporter.backupStatus(), timeoutMs);
    // Readiness is unauthenticated: no error text (it may name hosts) goes out.
    const status: BackupStatus =
      answer.kind === 'value'
        ? answer.value
        : { state: 'unknown', reason: answer.kind === 'timeout' ? `no answer within ${timeoutMs} ms` : 'could not read the backup status' };
    return this.indicators.check('backup').up({ ...status });
  }
}

type Answer<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

/** How a promise settles within `ms`: its value, its error, or not at all. */
async function within<T>(promise: Promise<T>, ms: number): Promise<Answer<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Answer<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
  });
  const settled = promise.then(
    (value): Answer<T> => ({ kind: 'value', value }),
    (error: unknown): Answer<T> => ({ kind: 'error', error }),
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
