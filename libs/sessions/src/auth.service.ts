import { Injectable, Logger } from '@nestjs/common';
import { loggableError, NotFoundError, type Principal } from '@app/common';
import { TransactionRunner } from '@app/database';
import { RequestContext } from '@app/observability';
import { NotificationsService } from '@app/notifications';
import { UsersService, type UserProfile } from '@app/users';
import { SessionsService, type ClientInfo, type IssuedTokens } from './sessions.service';

export interface SignedIn extends IssuedTokens {
  user: UserProfile;
}

/** The account flows: register, sign in, refresh, sign out, change password. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly transactions: TransactionRunner,
    private readonly notifications: NotificationsService,
  ) {}

  /** Creates the account and its first session in one transaction. */
  register(input: { email: string; password: string; name?: string }, client: ClientInfo): Promise<SignedIn> {
    RequestContext.audit({ metadata: { email: input.email } });
    return this.transactions.run(async (transaction) => {
      const user = await this.users.register(input, transaction);
      const tokens = await this.sessions.start(user, client, transaction);
      RequestContext.audit({ actorId: user.id, actorRole: user.role, entityId: user.id });
      return { user, ...tokens };
    });
  }

  async login(email: string, password: string, client: ClientInfo): Promise<SignedIn> {
    RequestContext.audit({ metadata: { email } });
    const user = await this.users.authenticate(email, password);
    RequestContext.audit({ actorId: user.id, actorRole: user.role, entityId: user.id });
    const knownDevice = await this.sessions.hasSeenUserAgent(user.id, client.userAgent);
    const tokens = await this.sessions.start(user, client);
    if (!knownDevice) {
      await this.securityNotice(user.id, 'New sign-in to your account', `Your account was signed in to from a device or browser not seen before (${client.userAgent ?? 'unknown'}, ${client.ip ?? 'unknown address'}). If this was not you, change your password.`, {
        reason: 'new-device',
        sessionId: tokens.sessionId,
        ip: client.ip,
        userAgent: client.userAgent,
      });
    }
    return { user, ...tokens };
  }

  refresh(refreshToken: string, client: ClientInfo): Promise<IssuedTokens> {
    return this.sessions.refresh(refreshToken, client, async (userId) => {
      try {
        const user = await this.users.profile(userId);
        return user.status === 'active' ? user.role : null;
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    });
  }

  logout(principal: Principal): Promise<void> {
    RequestContext.audit({ entityId: principal.sessionId });
    return this.sessions.endFamily(principal.sessionId, 'logout');
  }

  async logoutAll(principal: Principal): Promise<void> {
    RequestContext.audit({ entityId: principal.userId });
    await this.sessions.endAllSessions(principal.userId, 'logout-all');
  }

  /** Changes the password and ends every other session of the user, together. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    RequestContext.audit({ entityId: principal.userId });
    await this.transactions.run(async (transaction) => {
      await this.users.changePassword(principal.userId, currentPassword, newPassword, transaction);
      await this.sessions.endAllSessions(principal.userId, 'password-changed', transaction, principal.sessionId);
    });
    await this.securityNotice(principal.userId, 'Your password was changed', 'The password of your account was changed and your other sessions were ended. If this was not you, contact support at once.', {
      reason: 'password-changed',
    });
  }

  /** Security notices must not turn a successful sign-in or change into a failure. */
  private async securityNotice(userId: string, title: string, body: string, data: Record<string, unknown>): Promise<void> {
    try {
      await this.notifications.notify(userId, { type: 'security', title, body, data });
    } catch (error) {
      this.logger.error({ err: loggableError(error), userId }, 'could not record a security notification');
    }
  }
}
