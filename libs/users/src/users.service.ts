import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/auditing';
import { ConflictError, NotFoundError, toPage, decodeCursor, type Page } from '@app/common';
import { InjectConfig } from '@app/config';
import { USERS_CONFIG, type UsersConfig } from './users.config';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { RequestContext } from '@app/observability';
import { PasswordHasher } from './password-hasher';
import { passwordProblem } from './password-policy';
import { SessionTerminator } from './session-terminator';
import { UnknownAddressLockout } from './unknown-address-lockout';
import { EmailTakenError, UsersRepository, type PreferencesRecord, type UserProfileRecord } from './users.repository';
import { AccountLockedProblem, EmailTakenProblem, InvalidCredentialsProblem, WeakPasswordProblem, WrongPasswordProblem } from './users.errors';

export type Role = 'user' | 'admin';
export type UserStatus = 'active' | 'disabled';

/** What an account looks like to its owner and to admins (never the hash or counters). */
export interface UserProfile {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: UserStatus;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export type Preferences = PreferencesRecord;

function profileOf(user: UserProfileRecord): UserProfile {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
  };
}

/** NFC, trimmed, lower-cased: one spelling per address (the column is citext as well). */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private terminator?: SessionTerminator;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly transactions: TransactionRunner,
    @InjectConfig(USERS_CONFIG) private readonly config: UsersConfig,
    private readonly audit: AuditService,
    /** Unknown addresses lock exactly like real ones (shared across instances with REDIS_URL). */
    private readonly unknownAddresses: UnknownAddressLockout,
  ) {}

  /** The sessions lib registers itself here at init (it imports this lib; this lib knows no sessions). */
  useSessionTerminator(terminator: SessionTerminator): void {
    this.terminator = terminator;
  }

  private get sessions(): SessionTerminator {
    if (!this.terminator) throw new Error('no SessionTerminator registered (the sessions lib registers itself at init)');
    return this.terminator;
  }

  /** Creates an account (and its preferences) in the caller's transaction. */
  async register(input: { email: string; password: string; name?: string | null; role?: Role }, transaction: DbTransaction): Promise<UserProfile> {
    const problem = passwordProblem(input.password);
    if (problem) throw new WeakPasswordProblem('password', problem);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const user = await this.users.create(
        { email: normalizeEmail(input.email), name: input.name?.trim() || null, passwordHash, role: input.role ?? 'user' },
        transaction,
      );
      return profileOf(user);
    } catch (error) {
      if (error instanceof EmailTakenError) throw new EmailTakenProblem();
      throw error;
    }
  }

  /**
   * Checks a sign-in. Unknown address, wrong password and disabled account all throw the same
   * InvalidCredentialsProblem after the same bcrypt work; repeated failures lock the address
   * (known or not) for growing periods (AccountLockedProblem, 423 with Retry-After).
   */
  async authenticate(email: string, password: string): Promise<UserProfile> {
    const normalized = normalizeEmail(email);
    const user = await this.users.findByEmail(normalized);
    if (!user) {
      await this.hasher.burn(password);
      await this.phantomFailure(normalized);
      throw new InvalidCredentialsProblem();
    }
    const lockedForS = user.lockedUntil ? (user.lockedUntil.getTime() - Date.now()) / 1000 : 0;
    const matches = await this.hasher.verify(password, user.passwordHash);
    if (lockedForS > 0) throw new AccountLockedProblem(lockedForS);
    if (!matches || user.status !== 'active') {
      await this.recordPasswordFailure(user.id, 'sign-in');
      throw new InvalidCredentialsProblem();
    }
    await this.users.recordSuccessfulLogin(user.id);
    return profileOf({ ...user, lastLoginAt: new Date() });
  }

  /**
   * Counts a wrong password toward the account's lockout, whether at sign-in or when a signed-in
   * user confirms their current password; throws AccountLockedProblem (423) when this failure
   * locks the account. Runs outside any transaction on purpose: the request that failed rolls
   * back, its failure must not.
   */
  private async recordPasswordFailure(userId: string, during: 'sign-in' | 'password-confirmation'): Promise<void> {
    const { threshold, maxMinutes } = this.config.lockout;
    const lock = await this.users.recordFailedLogin(userId, threshold, maxMinutes);
    if (!lock) return;
    this.logger.warn({ event: 'auth.lockout', userId, during, lockedUntil: lock.lockedUntil, lockoutCount: lock.lockoutCount }, 'account locked after repeated wrong passwords');
    await this.audit.recordQuietly({
      action: 'auth.lockout',
      entityType: 'user',
      entityId: userId,
      metadata: { during, lockedUntil: lock.lockedUntil, lockoutCount: lock.lockoutCount },
    });
    throw new AccountLockedProblem((lock.lockedUntil.getTime() - Date.now()) / 1000);
  }

  private async phantomFailure(email: string): Promise<void> {
    const outcome = await this.unknownAddresses.recordFailure(email, this.config.lockout);
    if (outcome.kind === 'counted') return;
    if (outcome.newLock) {
      this.logger.warn({ event: 'auth.lockout', unknownAccount: true }, 'sign-ins for an unknown address locked after repeated failures');
    }
    throw new AccountLockedProblem(outcome.forS);
  }

  /**
   * Creates an admin account (the CLI's users:create-admin). An address already registered is
   * refused rather than promoted, so the command cannot take over an existing account.
   */
  /**
   * The first admin (`users:create-admin`), audited as `users.create-admin` in the same
   * transaction: `origin` says where it came from (the CLI, the operating-system user and host).
   */
  createAdmin(email: string, password: string, origin: Record<string, unknown> = {}): Promise<UserProfile> {
    return this.transactions.run(async (transaction) => {
      const admin = await this.register({ email, password, role: 'admin', name: 'Administrator' }, transaction);
      await this.audit.record(
        {
          action: 'users.create-admin',
          actorRole: 'operator',
          entityType: 'user',
          entityId: admin.id,
          after: { email: admin.email, role: admin.role, status: admin.status },
          metadata: origin,
        },
        { transaction },
      );
      return admin;
    });
  }

  /**
   * Verifies the current password and stores the new one, in the caller's transaction. A wrong
   * current password counts toward the lockout like a failed sign-in (a stolen access token must
   * not become an unlimited password oracle): 403 until the threshold, then 423 with
   * Retry-After; while the account is locked, even the right password answers 423.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string, transaction: DbTransaction): Promise<void> {
    const user = await this.users.findById(userId, transaction);
    if (!user) throw new NotFoundError('The account does not exist');
    const lockedForS = user.lockedUntil ? (user.lockedUntil.getTime() - Date.now()) / 1000 : 0;
    const matches = await this.hasher.verify(currentPassword, user.passwordHash);
    if (lockedForS > 0) throw new AccountLockedProblem(lockedForS);
    if (!matches) {
      await this.recordPasswordFailure(userId, 'password-confirmation');
      throw new WrongPasswordProblem();
    }
    const problem = passwordProblem(newPassword);
    if (problem) throw new WeakPasswordProblem('newPassword', problem);
    await this.users.updatePasswordHash(userId, await this.hasher.hash(newPassword), transaction);
  }

  /**
   * The id of the active account with this address, or null. For server-side use only (e.g. to
   * notify a transfer's recipient): never answer a caller differently on its result.
   */
  async activeUserIdByEmail(email: string): Promise<string | null> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    return user && user.status === 'active' ? user.id : null;
  }

  async profile(userId: string): Promise<UserProfile> {
    const user = await this.users.findProfileById(userId);
    if (!user) throw new NotFoundError('The account does not exist');
    return profileOf(user);
  }

  async updateProfile(userId: string, changes: { name?: string | null }): Promise<UserProfile> {
    const before = await this.users.findById(userId);
    const user = await this.users.updateProfile(userId, { ...(changes.name !== undefined ? { name: changes.name?.trim() || null } : {}) });
    if (!user || !before) throw new NotFoundError('The account does not exist');
    RequestContext.audit({ entityId: userId, before: { name: before.name }, after: { name: user.name } });
    return profileOf(user);
  }

  async preferences(userId: string): Promise<Preferences> {
    const preferences = await this.users.getPreferences(userId);
    if (!preferences) throw new NotFoundError('The account does not exist');
    return preferences;
  }

  async replacePreferences(userId: string, preferences: Preferences): Promise<Preferences> {
    const stored = await this.users.putPreferences(userId, {
      ...preferences,
      defaultClasses: [...new Set(preferences.defaultClasses)].sort((a, b) => a - b),
    });
    if (!stored) throw new NotFoundError('The account does not exist');
    return stored;
  }

  /** Changes only the fields given (one UPDATE, so concurrent changes of other fields are kept). */
  async updatePreferences(userId: string, changes: Partial<Preferences>): Promise<Preferences> {
    const fields: Partial<Preferences> = { ...changes };
    if (fields.defaultClasses) fields.defaultClasses = [...new Set(fields.defaultClasses)].sort((a, b) => a - b);
    for (const key of Object.keys(fields) as Array<keyof Preferences>) if (fields[key] === undefined) delete fields[key];
    if (Object.keys(fields).length === 0) return this.preferences(userId);
    const stored = await this.users.putPreferences(userId, fields);
    if (!stored) throw new NotFoundError('The account does not exist');
    return stored;
  }

  async list(limit: number, cursor?: string): Promise<Page<UserProfile>> {
    const rows = await this.users.list(limit, decodeCursor(cursor));
    const page = toPage(rows, limit, (row) => row.position);
    return { data: page.data.map((row) => profileOf(row.user)), nextCursor: page.nextCursor };
  }

  /**
   * An admin changes another account's role or status. Disabling ends every session of that
   * user in the same transaction. Admins cannot demote or disable themselves (the last admin
   * would lock everyone out).
   */
  async adminUpdate(actorId: string, userId: string, changes: { role?: Role; status?: UserStatus }): Promise<{ before: UserProfile; after: UserProfile }> {
    if (actorId === userId && (changes.role === 'user' || changes.status === 'disabled')) {
      throw new ConflictError('Admins cannot demote or disable their own account');
    }
    return this.transactions.run(async (transaction) => {
      const result = await this.users.updateRoleAndStatus(userId, changes, transaction);
      if (!result) throw new NotFoundError('No such user');
      const before = { role: result.before.role, status: result.before.status };
      const after = { role: result.after.role, status: result.after.status };
      RequestContext.audit({ before, after });
      for (const field of ['role', 'status'] as const) {
        if (before[field] !== after[field]) {
          await this.audit.record(
            { action: `users.${field}-changed`, entityType: 'user', entityId: userId, before: { [field]: before[field] }, after: { [field]: after[field] } },
            { transaction },
          );
        }
      }
      if (result.before.status !== 'disabled' && result.after.status === 'disabled') {
        await this.sessions.endAllSessions(userId, 'user-disabled', transaction);
      } else if (result.before.role !== result.after.role) {
        // Tokens carry the role: a changed role starts from fresh sessions.
        await this.sessions.endAllSessions(userId, 'role-changed', transaction);
      }
      return { before: profileOf(result.before), after: profileOf(result.after) };
    });
  }
}
