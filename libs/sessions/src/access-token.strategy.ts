import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { createSecretKey } from 'node:crypto';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import { AccessTokenAuthenticator, bearerToken, UnauthenticatedError, type Principal } from '@app/common';
import { InjectConfig } from '@app/config';
import { SESSIONS_CONFIG, type SessionsConfig } from './sessions.config';
import { SessionsService, type AccessClaims } from './sessions.service';

/** The name the strategy is registered under (in this strategy's own passport instance). */
export const ACCESS_TOKEN_STRATEGY = 'access-token';

/** Bound on the verified-token cache (least recently used tokens go first). */
const MAX_VERIFIED_TOKENS = 50_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const ROLES = new Set<unknown>(['user', 'admin']);

/** Claims of an access token that passed passport-jwt, kept until the token expires. */
interface VerifiedToken {
  claims: AccessClaims;
  /** The token's `exp`, in seconds. */
  exp: number;
}

/**
 * Access tokens, through @nestjs/passport and passport-jwt: the signature with JWT_SECRET, the
 * algorithm pinned to JWT_ALGORITHM (a token naming another one, or `none`, is refused), `aud`
 * and `iss` checked against JWT_AUDIENCE and JWT_ISSUER, `exp` required and checked; then the
 * claims' shape, then the session's liveness (SessionsService, cached per session for at most
 * SESSION_CACHE_TTL_MS so that a revocation reaches every instance within that time).
 *
 * Verified-token cache: a client sends the same token with every request, and passport's work
 * (its per-request context, the JSON parsing and HMAC of jsonwebtoken) cost about a tenth of
 * the CPU of `GET /v1/users/me`. A token that passed is remembered (by the full token string,
 * LRU-bounded) until its `exp`; `recall` answers such a token synchronously, before passport,
 * as long as its session was checked recently. Expiry is the only part of the verification that
 * depends on time, and it is checked on every use, as jsonwebtoken checks it.
 *
 * Each instance registers with a passport instance of its own, not the process-wide one: two
 * apps in one process (the tests) each authenticate with their own keys and session cache.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) implements AccessTokenAuthenticator {
  /** Set while the PassportStrategy constructor registers the strategy (see getPassportInstance). */
  private authenticator?: passport.Authenticator;
  private readonly verifiedTokens = new LRUCache<string, VerifiedToken>({ max: MAX_VERIFIED_TOKENS });

  constructor(
    @InjectConfig(SESSIONS_CONFIG) config: SessionsConfig,
    private readonly sessions: SessionsService,
  ) {
    const { secret, algorithm, audience, issuer } = config.jwt;
    // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse
    // it as a public key on every call. passport-jwt hands the key to jsonwebtoken unchanged.
    const key = createSecretKey(Buffer.from(secret, 'utf8'));
    super({
      jwtFromRequest: (request: FastifyRequest) => bearerToken(request.headers.authorization) ?? null,
      secretOrKeyProvider: (_request: unknown, _token: unknown, done: (error: null, key: Buffer) => void) => done(null, key as unknown as Buffer),
      algorithms: [algorithm],
      audience,
      issuer,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  /**
   * The hook @nestjs/passport calls to register the strategy (nestjs/passport#117, since 6.2; not
   * in its typings): this strategy's own passport instance instead of the process-wide one.
   */
  getPassportInstance(): passport.PassportStatic {
    this.authenticator ??= new passport.Passport();
    return this.authenticator as passport.PassportStatic;
  }

  recall(accessToken: string): Principal | undefined {
    const known = this.verifiedTokens.get(accessToken);
    if (!known) return undefined;
    if (Math.floor(Date.now() / 1000) >= known.exp) {
      // Expired: passport-jwt refuses it from here on.
      this.verifiedTokens.delete(accessToken);
      return undefined;
    }
    return this.sessions.recentPrincipal(known.claims);
  }

  /** Through passport: this strategy's passport instance runs passport-jwt, then `validate`. */
  authenticateRequest(request: FastifyRequest): Promise<Principal> {
    return new Promise<Principal>((resolve, reject) => {
      const middleware = this.getPassportInstance().authenticate(
        ACCESS_TOKEN_STRATEGY,
        { session: false },
        (error: unknown, principal: Principal | false | undefined) => {
          if (error) reject(error);
          // passport-jwt failed the token (signature, algorithm, aud, iss, exp or its JSON).
          else if (!principal) reject(new UnauthenticatedError('The access token is invalid or expired'));
          else resolve(principal);
        },
      ) as (request: FastifyRequest, response: undefined, next: (error?: unknown) => void) => void;
      // With a callback, passport calls it in every case; `next` is only its fallback.
      middleware(request, undefined, (error?: unknown) => reject(error ?? new UnauthenticatedError()));
    });
  }

  /** passport-jwt's verify callback: the token's signature, algorithm, aud, iss and exp have passed. */
  async validate(request: FastifyRequest, payload: Record<string, unknown>): Promise<Principal> {
    // Malformed claims are a bad token (401), never a query error: sub and sid are UUIDs, and a
    // token without an expiry is never issued here, so one that has none is refused.
    const { sub, sid, role, exp } = payload;
    if (!isUuid(sub) || !isUuid(sid) || !ROLES.has(role)) throw new UnauthenticatedError('The access token is invalid');
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new UnauthenticatedError('The access token has no expiry');
    const claims: AccessClaims = { sub, sid, role: role as AccessClaims['role'] };
    const token = bearerToken(request.headers.authorization);
    if (token) this.verifiedTokens.set(token, { claims, exp });
    return this.sessions.livePrincipal(claims);
  }
}
