import { CallHandler, ExecutionContext, Injectable, NestInterceptor, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { toProblem } from '@app/common';
import { InjectConfig } from '@app/config';
import { AUDITING_CONFIG, type AuditingConfig } from '../auditing.config';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { RequestContext, type RequestContextStore } from '@app/observability';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.decorator';
import { AuditService, type AuditEvent } from './audit.service';

/** The audit row a mutating request owes, until it is written. */
interface PendingAudit {
  event(outcome: 'success' | 'failure', problemType?: string): AuditEvent;
  /** A transaction of the request has taken the success row (claimed) and committed it (written). */
  claimed: boolean;
  written: boolean;
}

const PENDING = new WeakMap<RequestContextStore, PendingAudit>();

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const VERB: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'update', DELETE: 'delete' };

/** `PATCH /v1/admin/users/:id` -> `admin.users.update`. */
export function defaultAuditAction(method: string, route: string | undefined): string {
  const segments = (route ?? '')
    .split('/')
    .filter((s) => s && !s.startsWith(':') && !/^v\d+$/.test(s))
    .map((s) => s.toLowerCase().replace(/[^a-z0-9-]/g, '-'));
  return [...(segments.length > 0 ? segments : ['root']), VERB[method] ?? method.toLowerCase()].join('.');
}

/**
 * Records every mutating request that reaches a handler: action, actor, entity, outcome (with
 * the problem type on failure), request id, IP and user agent, plus whatever the handler added
 * to the request's audit trail. The success row is written inside the first transaction the
 * request commits (TransactionRunner.beforeCommit), so a change is never committed without it;
 * a request that commits no transaction gets its row after the handler settles, before the
 * response is sent, and so does a failure.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor, OnModuleInit {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    @InjectConfig(AUDITING_CONFIG) private readonly config: AuditingConfig,
  ) {}

  onModuleInit(): void {
    this.transactions.beforeCommit((transaction) => this.writeInTransaction(transaction));
  }

  private async writeInTransaction(transaction: DbTransaction): Promise<void> {
    const store = RequestContext.current();
    const pending = store ? PENDING.get(store) : undefined;
    if (!pending || pending.claimed) return;
    pending.claimed = true;
    // Written with the transaction's other queued audit rows, in one statement, just before the commit.
    await this.audit.recordBeforeCommit(pending.event('success'), { transaction });
    transaction.afterCommit(() => {
      pending.written = true;
    });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.config.auditRequests) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!MUTATING.has(request.method)) return next.handle();
    const options = this.reflector.getAllAndOverride<AuditOptions | undefined>(AUDIT_OPTIONS, [context.getHandler(), context.getClass()]) ?? {};
    if (options.skip) return next.handle();
    const action = options.action ?? defaultAuditAction(request.method, request.routeOptions?.url);
    const params = (request.params ?? {}) as Record<string, string>;

    const event = (outcome: 'success' | 'failure', problemType?: string): AuditEvent => {
      const trail = RequestContext.current()?.audit ?? {};
      return {
        action,
        outcome,
        problemType,
        actorId: trail.actorId,
        actorRole: trail.actorRole,
        entityType: trail.entityType ?? options.entityType ?? null,
        entityId: trail.entityId ?? (options.entityIdParam ? params[options.entityIdParam] : null) ?? null,
        before: trail.before,
        after: trail.after,
        metadata: { method: request.method, route: request.routeOptions?.url ?? null, ...trail.metadata },
      };
    };
    const pending: PendingAudit = { event, claimed: false, written: false };
    const store = RequestContext.current();
    if (store) PENDING.set(store, pending);
    const write = async (outcome: 'success' | 'failure', problemType?: string) => {
      if (store) PENDING.delete(store);
      if (outcome === 'success' && pending.written) return;
      await this.audit.recordQuietly(event(outcome, problemType));
    };

    return next.handle().pipe(
      concatMap(async (value) => {
        await write('success');
        return value;
      }),
      catchError((error: unknown) => from(write('failure', toProblem(error).body.type)).pipe(concatMap(() => throwError(() => error)))),
    );
  }
}
