import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RequestContext } from '@app/observability';
import { AppError } from '../problem/app-error';
import { AccessTokenVerifier, Principal, Role } from './principal';

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

/** Bearer access token -> live session -> required role. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  /** Synchronous when the verifier answers synchronously: Nest awaits only a promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    // The scheme is case-insensitive (RFC 9110 11.1): `bearer x` is as good as `Bearer x`.
    const token = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header)?.[1];
    if (!token) throw new UnauthenticatedError();
    const principal = this.verifier.verify(token);
    return principal instanceof Promise ? principal.then((known) => this.admit(context, request, known)) : this.admit(context, request, principal);
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
    return true;
  }
}
