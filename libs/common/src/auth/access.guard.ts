import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RequestContext } from '@app/observability';
import { AppError } from '../problem/app-error';
import { refuseUnknownQuery } from '../validation/unknown-query';
import { AccessTokenAuthenticator, Principal, Role } from './principal';

export const REQUIRED_ROLES = 'clearmark:required-roles';

export class UnauthenticatedError extends AppError {
  constructor(detail = 'A valid access token is required') {
    super('unauthenticated', 401, 'Unauthorized', { detail, headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'Your role does not allow this') {
    super('forbidden', 403, 'Forbidden', { detail });
  }
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined. The scheme is
 * case-insensitive (RFC 9110 11.1): `bearer x` is as good as `Bearer x`; anything else around the
 * token (a second token, a comma) makes the header unusable.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header)?.[1] : undefined;
}

/**
 * Bearer access token -> live session -> required role. The token is checked by the app's
 * AccessTokenAuthenticator (the passport-jwt strategy of the sessions lib), looked up once in
 * the whole application (`strict: false`), as passport looks strategies up by name: a feature
 * module needs no import for `@Authenticated()`, and an app without the sessions lib fails
 * closed (every guarded route answers an error, none is open).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private authenticator?: AccessTokenAuthenticator;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly reflector: Reflector,
  ) {}

  /** Synchronous when the token and its session were checked recently: Nest awaits only a promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthenticatedError();
    const authenticator = (this.authenticator ??= this.moduleRef.get(AccessTokenAuthenticator, { strict: false }));
    const recalled = authenticator.recall(token);
    if (recalled) return this.admit(context, request, recalled);
    return authenticator.authenticateRequest(request).then((principal) => this.admit(context, request, principal));
  }

  private admit(context: ExecutionContext, request: AuthenticatedRequest, principal: Principal): boolean {
    // Known before the role check, so that a refused request is still logged with its caller.
    request.principal = principal;
    const requestContext = RequestContext.current();
    if (requestContext) {
      requestContext.userId = principal.userId;
      requestContext.role = principal.role;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (roles && roles.length > 0 && !roles.includes(principal.role)) throw new ForbiddenError();
    // Query parameters the handler does not take: refused here on authenticated routes, after
    // the 401 and 403 (UnknownQueryGuard does it on the others).
    refuseUnknownQuery(context);
    return true;
  }
}
