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
} from '@nestjs/terminus';
import { AppConfigService } from '@app/config';
import { DatabaseProbe, ReadReplicas, type ProbeResult } from '@app/database';
import { BackupStatusReporter, type BackupStatus } from './backup-status.reporter';
import { LifecycleService } from './lifecycle.service';
import { SharedStateStatusReporter } from './shared-state-status.reporter';

@ApiTags('operations')
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController implements BeforeApplicationShutdown {
  /** Mirrors terminus, which answers every check 503 from beforeApplicationShutdown on. */
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly memory: MemoryHealthIndicator,
    private readonly probe: DatabaseProbe,
    private readonly lifecycle: LifecycleService,
    private readonly config: AppConfigService,
    private readonly replicas: ReadReplicas,
    @Optional() private readonly backups?: BackupStatusReporter,
    @Optional() private readonly sharedState?: SharedStateStatusReporter,
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
      'Not shutting down, the database answers (asked on a connection of its own, not the application pool), the schema is migrated and the heap is below its limit; 503 (problem+json with `checks`) otherwise. The backup status, the shared state (Redis: `degraded` while REDIS_URL is set and Redis does not answer) and the read replicas (with DATABASE_READ_URLS: `degraded` while one is down or lags past DB_REPLICA_MAX_LAG_S, its reads going to the primary) are reported but never fail readiness.',
  })
  ready(): Promise<HealthCheckResult> {
    const { healthDbTimeoutMs, healthHeapLimitBytes } = this.config.observability;
    const reporter = this.backups;
    const optional: HealthIndicatorFunction[] = reporter ? [() => this.backupCheck(reporter, healthDbTimeoutMs)] : [];
    const shared = this.sharedState;
    // Always `up`: without Redis the instance serves on its own state (per-instance limits).
    if (shared) optional.push(() => this.indicators.check('sharedState').up({ ...shared.sharedStateStatus() }));
    // Always `up`, and only with DATABASE_READ_URLS: a replica out of rotation sends its reads to the primary.
    if (this.replicas.configured) optional.push(() => this.indicators.check('replicas').up({ ...this.replicas.status() }));
    // One query on readiness's own connection (not the application pool, which may be saturated
    // while the database answers well) serves the database and the migrations checks.
    const probe: Promise<ProbeResult> = this.probe.check(healthDbTimeoutMs);
    return this.health.check([
      () => {
        const indicator = this.indicators.check('lifecycle');
        return this.lifecycle.isShuttingDown ? indicator.down({ state: 'shutting down' }) : indicator.up({ state: 'serving' });
      },
      async () => {
        const indicator = this.indicators.check('database');
        const answer = await probe;
        if (answer.reachable) return indicator.up();
        return indicator.down({ message: answer.reason === 'timeout' ? `no answer within ${healthDbTimeoutMs} ms` : 'the database is unreachable' });
      },
      async () => {
        const indicator = this.indicators.check('migrations');
        // Reported (not thrown) when the database does not answer, so that an outage answers
        // with the checks rather than a bare error.
        const answer = await probe;
        if (!answer.reachable) return indicator.down({ error: 'could not read the applied migrations' });
        return answer.pending.length === 0 ? indicator.up() : indicator.down({ pending: answer.pending });
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
