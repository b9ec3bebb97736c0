import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, type OnModuleInit, RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.decorator';
import { AuditInterceptor } from './audit.interceptor';

/** The methods a handler may answer that the audit interceptor records (ALL includes them). */
const AUDITED_METHODS = new Set<RequestMethod>([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL]);

/** Where an app's AuditInterceptor hangs on its Fastify instance (and every child context). */
const AUDIT_DECORATION = 'clearmarkAuditInterceptor';

type AuditedServer = FastifyInstance & { [AUDIT_DECORATION]?: AuditInterceptor };

/**
 * The entry placed in the interceptor metadata of every auditable handler. Handler metadata is
 * per class, so per process, while several apps can share one process (the e2e tests do): this
 * object only forwards to the AuditInterceptor of the app that received the request, found on
 * its Fastify instance. An app without one (no AuditingModule) passes the request through.
 */
export const ROUTE_AUDIT: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest | undefined>();
    const interceptor = (request?.server as AuditedServer | undefined)?.[AUDIT_DECORATION];
    return interceptor ? interceptor.intercept(context, next) : next.handle();
  },
};

/**
 * Attaches the audit interceptor to the handlers it can record (POST, PUT, PATCH, DELETE) and
 * to no other. As a global interceptor it ran on every request, and any interceptor at all makes
 * Nest run the handler through rxjs and AsyncResource.bind, which cost a GET such as
 * /v1/users/me about a fifth of its CPU though nothing was recorded. The audit interceptor goes
 * first among a handler's own interceptors, as close as it gets to where it ran as a global one.
 *
 * The metadata is bound in the constructor: Nest reads a route's interceptors once, when it
 * registers the route, which is after every provider has been created (in the tests, even
 * before the HTTP adapter exists). The app's interceptor is hung on its Fastify instance once
 * the adapter is there (onModuleInit, before the server listens).
 */
@Injectable()
export class AuditedRoutes implements OnModuleInit {
  /** How many handlers the interceptor was attached to. */
  readonly bound: number;

  constructor(
    modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
    private readonly interceptor: AuditInterceptor,
  ) {
    this.bound = bindRouteAudit(modules);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter || adapter.getType() !== 'fastify') return;
    const server = adapter.getInstance<AuditedServer>();
    if (!server.hasDecorator(AUDIT_DECORATION)) server.decorate(AUDIT_DECORATION, this.interceptor);
  }
}

function bindRouteAudit(modules: ModulesContainer): number {
  let bound = 0;
  for (const moduleRef of modules.values()) {
    for (const wrapper of moduleRef.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null | undefined;
      if (typeof controller !== 'function') continue;
      const classOptions = Reflect.getMetadata(AUDIT_OPTIONS, controller) as AuditOptions | undefined;
      for (const handler of handlersOf(controller.prototype as object)) {
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || !AUDITED_METHODS.has(method)) continue;
        const options = (Reflect.getMetadata(AUDIT_OPTIONS, handler) as AuditOptions | undefined) ?? classOptions;
        if (options?.skip) continue;
        const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
        if (!interceptors.includes(ROUTE_AUDIT)) Reflect.defineMetadata(INTERCEPTORS_METADATA, [ROUTE_AUDIT, ...interceptors], handler);
        bound++;
      }
    }
  }
  return bound;
}

/** The route handlers of a controller prototype, inherited ones included. */
function handlersOf(prototype: object): Array<(...args: unknown[]) => unknown> {
  const handlers: Array<(...args: unknown[]) => unknown> = [];
  const seen = new Set<string>();
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || seen.has(name)) continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      const value: unknown = descriptor?.value;
      if (typeof value === 'function' && Reflect.hasMetadata(PATH_METADATA, value)) handlers.push(value as (...args: unknown[]) => unknown);
    }
  }
  return handlers;
}
