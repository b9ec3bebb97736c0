import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeCursor, loggableError, toPage, ValidationFailedError, type AuthenticatedRequest, type Page } from '@app/common';
import { InjectConfig } from '@app/config';
import { AUDITING_CONFIG, type AuditingConfig } from '../auditing.config';
import { AdvisoryLockService } from '@app/database';
import { planPartitionMaintenance } from './api-log-partitions.util';
import { ApiLogRepository } from './api-log.repository';
import type { ApiLogListQuery, ApiLogRecord, NewApiLog } from './api-log.types';
import { ApiLogWriter } from './api-log.writer';
import { redactRequestPath } from './redact-request-path.util';

export const DEFAULT_API_LOG_PAGE_SIZE = 20;
export const MAX_USER_AGENT_LENGTH = 512;

const PARTITION_LOCK = 'clearmark:api-log-partitions';

/**
 * Route templates never logged (README, "Health, metrics, docs"): orchestrator probes and
 * Prometheus scrapes arrive every few seconds from every instance and would drown the log in
 * rows nobody reads. Unmatched paths under /health are still logged, as 404s.
 */
export const UNLOGGED_ROUTES: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics']);

export interface PartitionMaintenance {
  /** Partitions this run created. */
  created: string[];
  /** Partitions this run dropped, with every row in them. */
  dropped: string[];
  /** True when another instance held the maintenance lock throughout; it did the work. */
  skipped: boolean;
}

/** Fastify instances already hooked: a second registration would log every request twice. */
const hookedServers = new WeakSet<object>();

function contentLength(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * The request log: one row per HTTP request whatever its outcome (2xx, 4xx including 401, 404,
 * 429 and body-parse errors, 5xx), captured by a Fastify onResponse hook and written off the
 * request path by ApiLogWriter. Also owns the monthly partitions of api_logs.
 *
 * Not logged: the health and metrics routes (UNLOGGED_ROUTES), connections Fastify refuses
 * before routing (malformed HTTP), requests answered by Fastify's load-shedding 503 while the
 * server is closing (never accepted), and requests whose client went away before an answer
 * finished. The user is known only once the access guard has accepted the caller, so a 401, or
 * a 403 for a role the caller lacks, is stored without one.
 */
@Injectable()
export class ApiLogService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiLogService.name);
  private hooked = false;

  constructor(
    private readonly writer: ApiLogWriter,
    private readonly repository: ApiLogRepository,
    private readonly locks: AdvisoryLockService,
    @InjectConfig(AUDITING_CONFIG) private readonly config: AuditingConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * Hooks into the HTTP server, if this app has one (the worker and the CLI do not). Runs before
   * Fastify is ready, and Fastify composes each route's hooks when it becomes ready, so the hooks
   * apply to every route (Nest's included) and to the 404 handler.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter || adapter.getType() !== 'fastify') return;
    if (!this.config.apiLog.enabled) {
      this.logger.warn('API_LOG_ENABLED=false: requests are not logged');
      return;
    }
    const fastify = adapter.getInstance<FastifyInstance>();
    if (hookedServers.has(fastify)) {
      this.logger.warn('The request log is already hooked into this HTTP server; not hooking it twice');
      return;
    }
    hookedServers.add(fastify);
    this.hooked = true;
    fastify.addHook('onResponse', (request, reply, done) => {
      this.capture(request, reply);
      done();
    });
    // The final flush. Fastify runs onClose hooks once the server has stopped accepting and every
    // in-flight request has been answered (so its onResponse has run), and Nest closes the HTTP
    // server before it runs onApplicationShutdown, where the database pool closes. A
    // beforeApplicationShutdown hook would be too early: Nest calls it before the server drains.
    fastify.addHook('onClose', async () => {
      await this.writer.close();
    });
  }

  /** Makes sure this and next month's partitions exist before the first request is logged. */
  async onApplicationBootstrap(): Promise<void> {
    // Only a process that serves HTTP writes rows; the worker runs maintenance on its schedule.
    if (!this.hooked) return;
    try {
      await this.maintainPartitions(new Date());
    } catch (error) {
      // Not fatal: a missing partition is also created on demand by the writer.
      this.logger.warn({ err: loggableError(error) }, 'api_logs partition maintenance failed at boot');
    }
  }

  /** Safety net for apps without an HTTP server; with one, the onClose hook has flushed already. */
  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
  }

  /** Request-log rows, newest first, filtered; throws a 400 for a cursor this API did not issue. */
  async list(query: ApiLogListQuery): Promise<Page<ApiLogRecord>> {
    const limit = query.limit ?? DEFAULT_API_LOG_PAGE_SIZE;
    if (query.from && query.to && query.from.getTime() >= query.to.getTime()) {
      throw new ValidationFailedError([{ field: 'to', message: 'must be later than from' }]);
    }
    const after = decodeCursor(query.cursor);
    const rows = await this.repository.list(
      { userId: query.userId, method: query.method, status: query.status, route: query.route, from: query.from, to: query.to },
      limit,
      after,
    );
    const page = toPage(rows, limit, (row) => row.position);
    return { data: page.data.map((row) => row.record), nextCursor: page.nextCursor };
  }

  /**
   * Writes every buffered row now. Resolves true once they are stored, false when the database
   * refused them (they stay buffered and are retried). For tests, benchmarks and operators;
   * the writer flushes on its own.
   */
  flush(): Promise<boolean> {
    return this.writer.flush();
  }

  /**
   * Creates the current and next month's partitions (UTC) and drops every partition whose rows
   * are all older than API_LOG_RETENTION_DAYS at `now`. Idempotent, and serialized across
   * instances by an advisory lock. Scheduled by the worker; the api also runs it at boot.
   */
  async maintainPartitions(now: Date = new Date()): Promise<PartitionMaintenance> {
    const retentionDays = this.config.apiLog.retentionDays;
    const outcome = await this.locks.withLock(
      PARTITION_LOCK,
      async () => {
        const plan = planPartitionMaintenance(now, retentionDays, await this.repository.listPartitions());
        const created: string[] = [];
        for (const partition of plan.create) {
          if (await this.repository.createPartition(partition)) created.push(partition.name);
        }
        for (const partition of plan.drop) await this.repository.dropPartition(partition.name);
        return { created, dropped: plan.drop.map((p) => p.name) };
      },
      { waitMs: 10_000, pollMs: 100 },
    );
    if (!outcome.acquired) return { created: [], dropped: [], skipped: true };
    const { created, dropped } = outcome.result;
    if (created.length > 0 || dropped.length > 0) {
      this.logger.log({ created, dropped, retentionDays }, 'api_logs partitions maintained');
    }
    return { created, dropped, skipped: false };
  }

  /** The onResponse hook: builds the row and hands it to the writer; never throws. */
  private capture(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions?.url;
    if (route !== undefined && UNLOGGED_ROUTES.has(route)) return;
    try {
      this.writer.push(this.entryOf(request, reply));
    } catch (error) {
      this.logger.error({ err: loggableError(error), requestId: String(request.id) }, 'Could not capture a request-log row');
    }
  }

  private entryOf(request: FastifyRequest, reply: FastifyReply): NewApiLog {
    const durationMs = reply.elapsedTime;
    const route = request.routeOptions?.url ?? null;
    const userAgent = request.headers['user-agent'];
    return {
      id: randomUUID(),
      createdAt: new Date(Date.now() - durationMs),
      requestId: String(request.id),
      userId: (request as AuthenticatedRequest).principal?.userId ?? null,
      method: request.method.slice(0, 16),
      route,
      // Parameters of a matched route only: an unmatched request's "params" is Fastify's wildcard.
      path: redactRequestPath(request.url, route ? (request.params as Record<string, unknown>) : undefined),
      status: reply.statusCode,
      durationMs: Math.round(durationMs * 1000) / 1000,
      responseBytes: contentLength(reply.getHeader('content-length')),
      ip: request.ip ?? null,
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
    };
  }
}
