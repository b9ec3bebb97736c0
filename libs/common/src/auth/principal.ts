import type { FastifyRequest } from 'fastify';

export type Role = 'user' | 'admin';
export const ROLES: readonly Role[] = ['user', 'admin'];

/** Who is calling: the authenticated user, their session (token family) and current role. */
export interface Principal {
  userId: string;
  sessionId: string;
  role: Role;
}

/**
 * The app's access-token authentication, implemented by the sessions lib as a passport-jwt
 * strategy. `AccessGuard` (behind `@Authenticated()`) finds it in the application, the way
 * passport finds a strategy by name: a feature module guards its routes without importing
 * the sessions lib. Both methods answer 401 (an AppError) for a token or session that is not
 * acceptable.
 */
export abstract class AccessTokenAuthenticator {
  /**
   * The principal of a token that passed passport-jwt before (and has not expired) whose session
   * was checked within SESSION_CACHE_TTL_MS; undefined when the request has to go through passport.
   * Synchronous: the common case (a client's every request carries the same token) costs no promise.
   */
  abstract recall(accessToken: string): Principal | undefined;

  /** The full check, through passport: signature, pinned algorithm, aud, iss, exp, claims, session liveness. */
  abstract authenticateRequest(request: FastifyRequest): Promise<Principal>;
}
