import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, QueryTypes, UniqueConstraintError } from 'sequelize';
import { PreparedStatements, type DbTransaction, type PreparedStatement } from '@app/database';
import { KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type KeysetPosition } from '@app/common';
import { User } from './models/user.model';
import { UserPreference, type NotificationChannelSettings } from './models/user-preference.model';

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  role: 'user' | 'admin';
  status: 'active' | 'disabled';
  failedLogins: number;
  lockoutCount: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PreferencesRecord {
  locale: string;
  timezone: string;
  notifications: NotificationChannelSettings;
  defaultClasses: number[];
}

export class EmailTakenError extends Error {}

/** The columns of a user's profile (no password hash, no lockout state). */
export type UserProfileRecord = Pick<UserRecord, 'id' | 'email' | 'name' | 'role' | 'status' | 'createdAt' | 'lastLoginAt'>;

const USER_PROFILE_BY_ID: PreparedStatement = {
  name: 'users_profile_by_id',
  text: 'SELECT id, email, name, role, status, created_at, last_login_at FROM users WHERE id = $1 AND deleted_at IS NULL',
};

const USER_BY_ID: PreparedStatement = {
  name: 'users_by_id',
  text: `SELECT id, email, name, password_hash, role, status, failed_logins, lockout_count, locked_until,
                last_login_at, created_at, updated_at
           FROM users WHERE id = $1 AND deleted_at IS NULL`,
};

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  role: 'user' | 'admin';
  status: 'active' | 'disabled';
  failed_logins: number;
  lockout_count: number;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function toRecord(user: User): UserRecord {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    passwordHash: user.passwordHash,
    role: user.role,
    status: user.status,
    failedLogins: user.failedLogins,
    lockoutCount: user.lockoutCount,
    lockedUntil: user.lockedUntil,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

function toPreferences(p: UserPreference): PreferencesRecord {
  return { locale: p.locale, timezone: p.timezone, notifications: p.notifications, defaultClasses: p.defaultClasses };
}

@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(User) private readonly users: typeof User,
    @InjectModel(UserPreference) private readonly preferences: typeof UserPreference,
    private readonly statements: PreparedStatements,
  ) {}

  /** Creates the account and its preferences row together; EmailTakenError if the address is in use. */
  async create(
    input: { email: string; name: string | null; passwordHash: string; role: 'user' | 'admin' },
    transaction: DbTransaction,
  ): Promise<UserRecord> {
    try {
      const user = await this.users.create(input, { transaction });
      await this.preferences.create({ userId: user.id }, { transaction });
      return toRecord(user);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new EmailTakenError();
      throw error;
    }
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const user = await this.users.findOne({ where: { email } });
    return user ? toRecord(user) : null;
  }

  /**
   * The profile columns only, by primary key: the read behind every GET /v1/users/me. Fewer
   * columns to send and to parse, and the password hash stays in the database.
   */
  async findProfileById(id: string): Promise<UserProfileRecord | null> {
    const rows = await this.statements.select<Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'status' | 'created_at' | 'last_login_at'>>(
      USER_PROFILE_BY_ID,
      [id],
    );
    const row = rows[0];
    return row
      ? { id: row.id, email: row.email, name: row.name, role: row.role, status: row.status, createdAt: row.created_at, lastLoginAt: row.last_login_at }
      : null;
  }

  /**
   * By primary key, as a prepared statement: this read serves every authenticated profile
   * request, and Sequelize's query building and instance hydration cost more CPU than the query
   * itself. Inside a transaction it goes through Sequelize, on the transaction's connection.
   */
  async findById(id: string, transaction?: DbTransaction): Promise<UserRecord | null> {
    const rows = transaction
      ? await this.users.sequelize!.query<UserRow>(USER_BY_ID.text, { bind: [id], type: QueryTypes.SELECT, transaction })
      : await this.statements.select<UserRow>(USER_BY_ID, [id]);
    const row = rows[0];
    return row
      ? {
          id: row.id,
          email: row.email,
          name: row.name,
          passwordHash: row.password_hash,
          role: row.role,
          status: row.status,
          failedLogins: row.failed_logins,
          lockoutCount: row.lockout_count,
          lockedUntil: row.locked_until,
          lastLoginAt: row.last_login_at,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        }
      : null;
  }

  /**
   * Counts a failed login in one statement (safe under concurrent attempts). On reaching the
   * threshold the counter restarts and the account locks for 2^(previous lockouts) minutes,
   * capped at `maxMinutes`. Returns the lock when this failure caused one.
   */
  async recordFailedLogin(id: string, threshold: number, maxMinutes: number): Promise<{ lockedUntil: Date; lockoutCount: number } | null> {
    const rows = await this.users.sequelize!.query<{ locked_until: Date | null; lockout_count: number; locked_now: boolean }>(
      `UPDATE users SET
         failed_logins = CASE WHEN failed_logins + 1 >= :threshold THEN 0 ELSE failed_logins + 1 END,
         lockout_count = CASE WHEN failed_logins + 1 >= :threshold THEN lockout_count + 1 ELSE lockout_count END,
         locked_until = CASE WHEN failed_logins + 1 >= :threshold
                          THEN now() + make_interval(mins => LEAST(:maxMinutes, power(2, LEAST(lockout_count, 16))::int))
                          ELSE locked_until END,
         updated_at = now()
       WHERE id = :id
       RETURNING locked_until, lockout_count, (failed_logins = 0) AS locked_now`,
      { replacements: { id, threshold, maxMinutes }, type: QueryTypes.SELECT },
    );
    const row = rows[0];
    return row?.locked_now && row.locked_until ? { lockedUntil: row.locked_until, lockoutCount: row.lockout_count } : null;
  }

  async recordSuccessfulLogin(id: string): Promise<void> {
    await this.users.update(
      { failedLogins: 0, lockoutCount: 0, lockedUntil: null, lastLoginAt: new Date() },
      { where: { id } },
    );
  }

  async updatePasswordHash(id: string, passwordHash: string, transaction: DbTransaction): Promise<void> {
    await this.users.update({ passwordHash }, { where: { id }, transaction });
  }

  async updateProfile(id: string, changes: { name?: string | null }): Promise<UserRecord | null> {
    // Sequelize answers an update with nothing to set without rows: an empty PATCH changes nothing.
    if (Object.keys(changes).length === 0) return this.findById(id);
    const [, rows] = await this.users.update(changes, { where: { id }, returning: true });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async updateRoleAndStatus(
    id: string,
    changes: { role?: 'user' | 'admin'; status?: 'active' | 'disabled' },
    transaction: DbTransaction,
  ): Promise<{ before: UserRecord; after: UserRecord } | null> {
    const user = await this.users.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!user) return null;
    const before = toRecord(user);
    await user.update(changes, { transaction });
    return { before, after: toRecord(user) };
  }

  /**
   * Newest first, keyset-paginated on (created_at, id) through users_created_at_id_idx; fetches
   * `limit + 1` rows so the caller knows whether more exist.
   */
  async list(limit: number, after?: KeysetPosition): Promise<Array<{ user: UserRecord; position: KeysetPosition }>> {
    const users = await this.users.findAll({
      attributes: { include: [[literal(KEYSET_CREATED_AT_SQL), 'cursorCreatedAt']] },
      ...(after ? { where: literal(KEYSET_AFTER_SQL), replacements: { afterCreatedAt: after.createdAt, afterId: after.id } } : {}),
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: limit + 1,
    });
    return users.map((u) => ({ user: toRecord(u), position: { createdAt: u.get('cursorCreatedAt') as string, id: u.id } }));
  }

  async getPreferences(userId: string): Promise<PreferencesRecord | null> {
    const row = await this.preferences.findByPk(userId);
    return row ? toPreferences(row) : null;
  }

  /** Writes the given fields (all of them, or a subset) in one statement; null when the account is gone. */
  async putPreferences(userId: string, preferences: Partial<PreferencesRecord>): Promise<PreferencesRecord | null> {
    const [count, rows] = await this.preferences.update(preferences, { where: { userId }, returning: true });
    return count > 0 && rows[0] ? toPreferences(rows[0]) : null;
  }
}
