import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AppError, decodeCursor, loggableError, NotFoundError, toPage, UnauthenticatedError, type Page, type Principal, type Role } from '@app/common';
import { InjectConfig } from '@app/config';
import { SESSIONS_CONFIG, type SessionsConfig } from './sessions.config';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { AuditService } from '@app/auditing';
import { NotificationsService } from '@app/notifications';
import { RequestContext } from '@app/observability';
import { SessionTerminator, UsersService } from '@app/users';
import { SessionRevocations } from './session-revocations';
import { SessionsRepository, type SessionRecord } from './sessions.repository';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  sessionId: string;
}

export interface SessionView {
  id: string;
  createdAt: Date;
  lastActivityAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** The claims of an access token this service issues (and AccessTokenStrategy accepts). */
export interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
}

/** Bound on the session-liveness cache (least recently used sessions go first). */
const MAX_CACHED_SESSIONS = 50_000;

interface CachedSession {
  userId: string;
  headId: string;
  role: Role;
  lastActivityAt: number;
  checkedAt: number;
}

function principalOf(claims: AccessClaims, session: CachedSession | null): Principal {
  if (!session || session.userId !== claims.sub) throw new UnauthenticatedError('The session has ended');
  return { userId: claims.sub, sessionId: claims.sid, role: session.role };
}

export class RefreshRejectedProblem extends AppError {
  constructor(detail: string, code = 'invalid-refresh-token') {
    super(code, 401, 'Unauthorized', { detail });
  }
}

/** A concurrent refresh lost the race: the token was rotated a moment ago by another request. */
export class RefreshJustRotatedProblem extends AppError {
  constructor() {
    super('refresh-token-just-rotated', 409, 'Conflict', {
      detail: 'The refresh token was rotated a moment ago by another request; use the tokens that request received',
    });
  }
}

const USER_AGENT_MAX = 512;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sessions and their tokens. A session is a family of refresh tokens: each refresh marks the
 * presented token used and issues its child, in one transaction; presenting a used or revoked
 * token again revokes the whole family (RFC 9700 4.14.2). Access tokens are short JWTs naming the
 * family (`sid`), checked by AccessTokenStrategy (passport-jwt); every request checks that the
 * family is still live, through a per-instance cache whose entries live at most
 * SESSION_CACHE_TTL_MS (≤ 5 s), so a revocation anywhere takes effect on every instance within
 * that time (at once on the instance that revoked).
 */
@Injectable()
export class SessionsService implements SessionTerminator, OnModuleInit {
  private readonly logger = new Logger(SessionsService.name);
  /** Session liveness by family id, as last read from the database (see recentSession). */
  private readonly cache = new LRUCache<string, CachedSession>({ max: MAX_CACHED_SESSIONS });
  /**
   * The signing key as a KeyObject: given a string, jsonwebtoken first tries (and fails) to parse
   * it as a public key on every call, which cost a third of the CPU of an authenticated request.
   */
  private readonly signingKey: KeyObject;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly jwt: JwtService,
    @InjectConfig(SESSIONS_CONFIG) private readonly config: SessionsConfig,
    private readonly transactions: TransactionRunner,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly revocations: SessionRevocations,
  ) {
    this.signingKey = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
  }

  /** Disabling a user, a role or password change there end their sessions here. */
  onModuleInit(): void {
    this.users.useSessionTerminator(this);
    // Sessions ended on any instance (through Redis when REDIS_URL is set) leave the cache at once.
    this.revocations.onRevoked((revocation) => {
      if (revocation === 'all') this.cache.clear();
      else for (const familyId of revocation.families) this.cache.delete(familyId);
    });
  }

  /** Starts a session (a new token family) and issues its first tokens. */
  async start(user: { id: string; role: Role }, client: ClientInfo, transaction?: DbTransaction): Promise<IssuedTokens> {
    const now = Date.now();
    const { idleTtlS, absoluteTtlS } = this.config.refresh;
    const refreshToken = randomBytes(32).toString('base64url');
    const familyId = randomUUID();
    await this.sessions.insert(
      {
        userId: user.id,
        familyId,
        parentId: null,
        tokenHash: hashToken(refreshToken),
        startedAt: new Date(now),
        expiresAt: new Date(now + absoluteTtlS * 1000),
        idleExpiresAt: new Date(now + idleTtlS * 1000),
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      },
      transaction,
    );
    return this.issue(user.id, familyId, user.role, refreshToken);
  }

  /** Whether this user agent has signed in to the account before (for new-device notices). */
  hasSeenUserAgent(userId: string, userAgent: string | null): Promise<boolean> {
    return this.sessions.hasSeenUserAgent(userId, userAgent?.slice(0, USER_AGENT_MAX) ?? null);
  }

  /**
   * Rotates a refresh token. `currentRole` reads the user's role and whether they may still sign
   * in (null: no longer); it runs inside the rotation so a disabled user gets nothing.
   */
  async refresh(refreshToken: string, client: ClientInfo, currentRole: (userId: string) => Promise<Role | null>): Promise<IssuedTokens> {
    const tokenHash = hashToken(refreshToken);
    const now = new Date();
    const { idleTtlS } = this.config.refresh;
    const rotated = await this.transactions.run(async (transaction) => {
      const parent = await this.sessions.markUsed(tokenHash, now, transaction);
      if (!parent) return null;
      // Before the commit: the request's audit row is written in this transaction.
      RequestContext.audit({ actorId: parent.userId, entityId: parent.familyId });
      const role = await currentRole(parent.userId);
      if (!role) return { parent, role: null, child: null };
      const child = randomBytes(32).toString('base64url');
      await this.sessions.insert(
        {
          userId: parent.userId,
          familyId: parent.familyId,
          parentId: parent.id,
          tokenHash: hashToken(child),
          startedAt: parent.startedAt,
          expiresAt: parent.expiresAt,
          idleExpiresAt: new Date(Math.min(now.getTime() + idleTtlS * 1000, parent.expiresAt.getTime())),
          ip: client.ip,
          userAgent: client.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        },
        transaction,
      );
      return { parent, role, child };
    });
    if (rotated) RequestContext.audit({ actorId: rotated.parent.userId, entityId: rotated.parent.familyId });
    if (rotated?.role && rotated.child) return this.issue(rotated.parent.userId, rotated.parent.familyId, rotated.role, rotated.child);
    if (rotated) {
      await this.endFamily(rotated.parent.familyId, 'user-inactive');
      throw new RefreshRejectedProblem('The account can no longer sign in');
    }
    return this.rejectRefresh(tokenHash, now, client);
  }

  private async rejectRefresh(tokenHash: string, now: Date, client: ClientInfo): Promise<never> {
    const known = await this.sessions.findByTokenHash(tokenHash);
    if (!known) throw new RefreshRejectedProblem('The refresh token is not valid');
    // A used token presented again means a copy exists: reuse. A revoked token that was never
    // used belongs to a session already ended (logout, password change, disable, an earlier
    // reuse): its family is revoked already, so it is refused without raising a new alarm.
    // Within the grace, a used token that comes back is a concurrent refresh (two tabs, a retried
    // request) losing the race: 409, nothing ends; the client takes the winner's tokens.
    if (known.usedAt && !known.revokedAt && now.getTime() - known.usedAt.getTime() < this.config.refresh.reuseGraceMs) {
      throw new RefreshJustRotatedProblem();
    }
    if (known.usedAt) {
      await this.onReuse(known, client);
      throw new RefreshRejectedProblem('The refresh token was already used; the session has been ended for safety', 'refresh-token-reused');
    }
    if (known.revokedAt) throw new RefreshRejectedProblem('The session has ended', 'session-ended');
    if (known.expiresAt <= now || known.idleExpiresAt <= now) throw new RefreshRejectedProblem('The session has expired', 'session-expired');
    throw new RefreshRejectedProblem('The refresh token is not valid');
  }

  /** A used or revoked token came back: someone holds a copy. End the family, tell the owner. */
  private async onReuse(token: SessionRecord, client: ClientInfo): Promise<void> {
    await this.endFamily(token.familyId, 'refresh-token-reuse');
    RequestContext.audit({ actorId: token.userId, entityId: token.familyId });
    await this.audit.recordQuietly({
      action: 'auth.refresh-token-reuse',
      actorId: token.userId,
      entityType: 'session',
      entityId: token.familyId,
      metadata: { revokedFamily: token.familyId, tokenUsedAt: token.usedAt },
    });
    this.logger.warn(
      { event: 'auth.refresh-token-reuse', userId: token.userId, sessionId: token.familyId, ip: client.ip, userAgent: client.userAgent },
      'refresh token reuse detected: session family revoked',
    );
    await this.notifications.notify(token.userId, {
      type: 'security',
      title: 'A sign-in session was ended for your safety',
      body: 'An old sign-in token of your account was presented again, which can mean someone copied it. We ended that session. If this was not you, change your password.',
      data: { reason: 'refresh-token-reuse', sessionId: token.familyId, ip: client.ip, userAgent: client.userAgent },
    });
  }

  /** Ends one of the user's sessions; another user's session id answers 404. */
  async endOwnSession(userId: string, familyId: string, reason = 'revoked'): Promise<void> {
    if (!(await this.sessions.familyOwnedBy(familyId, userId))) throw new NotFoundError('No such session');
    await this.endFamily(familyId, reason);
  }

  async endFamily(familyId: string, reason: string, transaction?: DbTransaction): Promise<void> {
    await this.sessions.revokeFamily(familyId, reason, transaction);
    this.cache.delete(familyId);
    await this.revocations.announce([familyId], transaction);
  }

  /** Ends every session of the user (or all but `exceptSessionId`). */
  async endAllSessions(userId: string, reason: string, transaction?: DbTransaction, exceptSessionId?: string): Promise<number> {
    const families = await this.sessions.revokeUserFamilies(userId, reason, exceptSessionId, transaction);
    const ended: string[] = [];
    for (const [familyId, entry] of this.cache.entries()) {
      if (entry.userId === userId && familyId !== exceptSessionId) ended.push(familyId);
    }
    for (const familyId of ended) this.cache.delete(familyId);
    await this.revocations.announce(families, transaction);
    return families.length;
  }

  /** A page of the live sessions, newest first; `current` marks the caller's. */
  async list(userId: string, currentSessionId: string, limit: number, cursor?: string): Promise<Page<SessionView>> {
    const position = decodeCursor(cursor);
    const after = position ? { startedAt: new Date(position.createdAt), familyId: position.id } : undefined;
    const rows = await this.sessions.listLive(userId, new Date(), limit, after);
    // started_at is written from a JS Date (milliseconds), so its ISO form is exact to the microsecond.
    const page = toPage(rows, limit, (r) => ({ createdAt: r.startedAt.toISOString().replace('Z', '000Z'), id: r.familyId }));
    return {
      data: page.data.map((r) => ({
        id: r.familyId,
        createdAt: r.startedAt,
        lastActivityAt: r.lastActivityAt,
        ip: r.ip,
        userAgent: r.userAgent,
        current: r.familyId === currentSessionId,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * The principal of verified claims whose session was checked within SESSION_CACHE_TTL_MS;
   * undefined if it was not (then livePrincipal reads it). Throws 401 for an ended session.
   */
  recentPrincipal(claims: AccessClaims): Principal | undefined {
    const session = this.recentSession(claims.sid, Date.now());
    return session ? principalOf(claims, session) : undefined;
  }

  /** The principal of verified claims if their session is live (cache, else the database); 401 if not. */
  async livePrincipal(claims: AccessClaims): Promise<Principal> {
    return principalOf(claims, await this.liveSession(claims.sid));
  }

  /** The session as checked within SESSION_CACHE_TTL_MS, if it was. */
  private recentSession(familyId: string, now: number): CachedSession | undefined {
    const cached = this.cache.get(familyId);
    if (!cached || now - cached.checkedAt >= this.config.sessionCacheTtlMs) return undefined;
    this.markActivity(cached, now);
    return cached;
  }

  private async liveSession(familyId: string): Promise<CachedSession | null> {
    const now = Date.now();
    const recent = this.recentSession(familyId, now);
    if (recent) return recent;
    const live = await this.sessions.findLive(familyId, new Date(now));
    // A revocation heard while the read was in flight wins over what the read saw.
    if (!live || this.revocations.isEnded(familyId)) {
      this.cache.delete(familyId);
      return null;
    }
    const entry: CachedSession = {
      userId: live.userId,
      headId: live.headId,
      role: live.role,
      lastActivityAt: live.lastActivityAt.getTime(),
      checkedAt: now,
    };
    this.cache.set(familyId, entry);
    this.markActivity(entry, now);
    return entry;
  }

  /** last_activity_at is written at most once a minute per session, never on every request. */
  private markActivity(entry: CachedSession, now: number): void {
    if (now - entry.lastActivityAt < 60_000) return;
    entry.lastActivityAt = now;
    this.sessions.touch(entry.headId, new Date(now)).catch((error: unknown) =>
      this.logger.warn({ err: loggableError(error) }, 'could not record session activity'),
    );
  }

  /** Deletes sessions whose family ended more than SESSION_RETENTION_DAYS before `now`. */
  async purgeExpired(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.refresh.retentionDays * 86_400_000);
    return this.sessions.purgeEndedBefore(cutoff);
  }

  private async issue(userId: string, familyId: string, role: Role, refreshToken: string): Promise<IssuedTokens> {
    const { jwt } = this.config;
    const accessToken = await this.jwt.signAsync({ sub: userId, sid: familyId, role } satisfies AccessClaims, {
      secret: this.signingKey as unknown as string,
      algorithm: jwt.algorithm,
      audience: jwt.audience,
      issuer: jwt.issuer,
      expiresIn: jwt.accessTtlS,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: jwt.accessTtlS, sessionId: familyId };
  }
}
