import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccessGuard, AuthenticatedRequest, REQUIRED_ROLES, UnauthenticatedError } from './access.guard';
import type { Principal, Role } from './principal';

/** Requires a valid access token of a live session; with roles, one of those roles. */
export function Authenticated(...roles: Role[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    UseGuards(AccessGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token, or the session has ended' }),
    ...(roles.length > 0 ? [ApiForbiddenResponse({ description: `Requires role ${roles.join(' or ')}` })] : []),
  );
}

/** The caller, as established by `@Authenticated()`. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthenticatedError();
  return principal;
});

export const AUTH_RATE_LIMITED = 'clearmark:auth-rate-limited';

/** Applies the stricter per-IP limit of the auth routes (AUTH_RATE_LIMIT_*) on top of the global one. */
export function AuthRateLimited(): ClassDecorator & MethodDecorator {
  return SetMetadata(AUTH_RATE_LIMITED, true);
}
