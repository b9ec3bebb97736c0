export type Role = 'user' | 'admin';
export const ROLES: readonly Role[] = ['user', 'admin'];

/** Who is calling: the authenticated user, their session (token family) and current role. */
export interface Principal {
  userId: string;
  sessionId: string;
  role: Role;
}

/**
 * Checks an access token and that its session is still live; implemented by the sessions lib
 * and provided globally, so that any feature's controller can be guarded without importing it.
 * Throws an AppError (401) when the token or its session is not acceptable.
 */
export abstract class AccessTokenVerifier {
  /** Synchronous when the answer is already known (a token and session checked recently). */
  abstract verify(accessToken: string): Principal | Promise<Principal>;
}
