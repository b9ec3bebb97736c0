import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { toProblem } from '@app/common';
import { InjectConfig } from '@app/config';
import { AUDITING_CONFIG, type AuditingConfig } from '../auditing.config';
import { RequestContext } from '@app/observability';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.decorator';
import { AuditService } from './audit.service';

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
 * Records every mutating request that reaches a handler, after the handler settles and before
 * the response is sent: action, actor, entity, outcome (with the problem type on failure),
 * request id, IP and user agent, plus whatever the handler added to the request's audit trail.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    @InjectConfig(AUDITING_CONFIG) private readonly config: AuditingConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.config.auditRequests) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!MUTATING.has(request.method)) return next.handle();
    const options = this.reflector.getAllAndOverride<AuditOptions | undefined>(AUDIT_OPTIONS, [context.getHandler(), context.getClass()]) ?? {};
    if (options.skip) return next.handle();
    const action = options.action ?? defaultAuditAction(request.method, request.routeOptions?.url);
    const params = (request.params ?? {}) as Record<string, string>;

    const write = (outcome: 'success' | 'failure', problemType?: string) => {
      const trail = RequestContext.current()?.audit ?? {};
      return this.audit.recordQuietly({
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
      });
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
