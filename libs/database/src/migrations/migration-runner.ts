import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { QueryTypes, type QueryInterface, type Sequelize, type Transaction } from 'sequelize';
import { Umzug, type UmzugStorage } from 'umzug';
import { AdvisoryLock, type CurrentPort } from '../locks/advisory-lock';

/** What every migration file's `up` and `down` receive. */
export interface MigrationContext {
  sequelize: Sequelize;
  queryInterface: QueryInterface;
  /** The migration's own transaction: the bookkeeping row commits or rolls back with it. */
  transaction: Transaction;
  /** Runs SQL inside the migration's transaction. */
  sql(text: string, replacements?: Record<string, unknown>): Promise<unknown>;
}

export type MigrationFn = (params: { name: string; context: MigrationContext }) => Promise<void>;

export interface MigrationModule {
  up: MigrationFn;
  down: MigrationFn;
}

export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing';

export interface MigrationStatus {
  name: string;
  state: MigrationState;
  appliedAt?: Date;
}

export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface MigrationRunnerOptions {
  sequelize: Sequelize;
  /** Where the server listens now, for the migration lock's own session (the embedded server may move). */
  currentPort?: CurrentPort;
  /** Folder of migration files; the project's `migrations/` (or its compiled twin) by default. */
  directory?: string;
  /** Per-migration statement timeout, applied with SET LOCAL; 0 = none. */
  statementTimeoutMs?: number;
  /** How long to wait for another process that is migrating the same database. */
  lockWaitMs?: number;
  logger?: MigrationLogger;
  /**
   * The application's database role (the user of DATABASE_URL) when migrations run as another
   * role, the owner (MIGRATION_DATABASE_URL). After every `up` it is granted what it needs: see
   * grantApplicationRole. Unset, or equal to the migrating role: nothing is granted.
   */
  appRole?: string;
}

export const MIGRATIONS_TABLE = 'schema_migrations';
const LOCK_NAME = 'clearmark:migrations';

const RUNNING_TYPESCRIPT = __filename.endsWith('.ts');

/**
 * `migrations/` sits four levels above this file both in the source tree
 * (libs/database/src/migrations) and in the compiled one (dist/libs/database/src/migrations),
 * where it holds the compiled `.js` twins of the `.ts` sources.
 */
export const DEFAULT_MIGRATIONS_DIR = resolve(__dirname, '../../../../migrations');

export function migrationChecksum(file: string): string {
  const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Umzug over the files of `migrations/`, with three guarantees Umzug leaves to its storage:
 * each migration runs in one transaction together with its bookkeeping row (a failure leaves
 * no trace), runs are serialized across processes by an advisory lock, and each applied
 * file's checksum is kept so that `status` can report a file edited after it was applied.
 */
export class MigrationRunner {
  private readonly directory: string;
  private readonly logger: MigrationLogger;

  constructor(private readonly options: MigrationRunnerOptions) {
    this.directory = options.directory ?? DEFAULT_MIGRATIONS_DIR;
    this.logger = options.logger ?? { info: () => undefined, warn: () => undefined };
  }

  /** Applies every pending migration; returns the names applied (in order). */
  async up(): Promise<string[]> {
    return this.locked(async () => {
      await this.reportDrift();
      const applied = await this.umzug().up();
      await this.grantApplicationRole();
      return applied.map((m) => m.name);
    });
  }

  /**
   * Gives the application's role (when it is not the migrating role) exactly what it needs, on
   * every run so that new tables are covered and an operator who moves to two roles later
   * needs no manual step: USAGE on the schema, SELECT, INSERT, UPDATE and DELETE on every table
   * (never TRUNCATE, REFERENCES or TRIGGER), the sequences, SELECT only on schema_migrations.
   * Then each lib narrows its own tables: every function `public.<lib>_restrict_app_role(text)`
   * a migration defines is called with the role (e.g. auditing_restrict_app_role: INSERT and
   * SELECT only on audit_logs). Returns whether anything was granted.
   */
  async grantApplicationRole(): Promise<boolean> {
    const role = this.options.appRole;
    if (!role) return false;
    const { sequelize } = this.options;
    const [me] = await sequelize.query<{ user: string }>('SELECT current_user AS "user"', { type: QueryTypes.SELECT });
    if (!me || me.user === role) return false;
    await sequelize.transaction(async (transaction) => {
      const run = (text: string, replacements?: Record<string, unknown>) => sequelize.query(text, { transaction, replacements });
      const [quoted] = await sequelize.query<{ id: string }>('SELECT quote_ident(:role) AS id', {
        replacements: { role },
        type: QueryTypes.SELECT,
        transaction,
      });
      const id = quoted!.id;
      await run(`GRANT USAGE ON SCHEMA public TO ${id}`);
      await run(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${id}`);
      await run(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${id}`);
      await run(`REVOKE INSERT, UPDATE, DELETE ON ${MIGRATIONS_TABLE} FROM ${id}`);
      const restrictions = await sequelize.query<{ name: string }>(
        `SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public' AND p.proname LIKE '%\\_restrict\\_app\\_role' AND p.pronargs = 1
          ORDER BY p.proname`,
        { type: QueryTypes.SELECT, transaction },
      );
      for (const { name } of restrictions) {
        await run(`SELECT public."${name}"(:role)`, { role });
      }
    });
    this.logger.info(`Granted the application role ${role} its privileges`);
    return true;
  }

  /** Reverts the last `steps` applied migrations; returns the names reverted. */
  async down(steps = 1): Promise<string[]> {
    return this.locked(async () => {
      const reverted = await this.umzug().down({ step: steps });
      return reverted.map((m) => m.name);
    });
  }

  async pending(): Promise<string[]> {
    const applied = new Set((await this.appliedRows()).map((r) => r.name));
    return this.files()
      .map((f) => f.name)
      .filter((name) => !applied.has(name));
  }

  async status(): Promise<MigrationStatus[]> {
    const rows = await this.appliedRows();
    const files = new Map(this.files().map((f) => [f.name, f]));
    const result: MigrationStatus[] = [];
    for (const row of rows) {
      const file = files.get(row.name);
      if (!file) {
        result.push({ name: row.name, state: 'missing', appliedAt: row.applied_at });
        continue;
      }
      const state = migrationChecksum(file.source) === row.checksum ? 'applied' : 'changed';
      result.push({ name: row.name, state, appliedAt: row.applied_at });
    }
    const applied = new Set(rows.map((r) => r.name));
    for (const file of files.values()) {
      if (!applied.has(file.name)) result.push({ name: file.name, state: 'pending' });
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  private cachedFiles?: Array<{ name: string; path: string; source: string }>;

  /**
   * The migration files, sorted by name; `source` is the `.ts` file the checksum is taken of.
   * Read once per runner: the files a process ships do not change while it runs (readiness asks
   * for the pending list on every probe).
   */
  files(): Array<{ name: string; path: string; source: string }> {
    this.cachedFiles ??= this.readFiles();
    return this.cachedFiles;
  }

  private readFiles(): Array<{ name: string; path: string; source: string }> {
    if (!existsSync(this.directory)) return [];
    const extension = RUNNING_TYPESCRIPT ? '.ts' : '.js';
    const sourceDir = resolve(this.directory, '../../migrations');
    return readdirSync(this.directory)
      .filter((f) => f.endsWith(extension) && !f.endsWith('.d.ts') && !f.endsWith('.spec.ts'))
      .sort()
      .map((f) => {
        const name = basename(f, extname(f));
        const path = join(this.directory, f);
        // Compiled runs checksum the .ts source when it is shipped beside dist/, so that
        // switching between `npm test` and `npm start` never looks like drift.
        const tsSource = join(sourceDir, `${name}.ts`);
        const source = !RUNNING_TYPESCRIPT && existsSync(tsSource) ? tsSource : path;
        return { name, path, source };
      });
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const outcome = await new AdvisoryLock(this.options.sequelize, this.options.currentPort).withLock(
      LOCK_NAME,
      async () => {
        await this.ensureTable();
        return work();
      },
      { waitMs: this.options.lockWaitMs ?? 10 * 60_000, pollMs: 100 },
    );
    if (!outcome.acquired) {
      throw new Error('Another process has been migrating this database for too long; gave up waiting for its lock');
    }
    return outcome.result;
  }

  private async ensureTable(): Promise<void> {
    await this.options.sequelize.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  }

  private async appliedRows(): Promise<Array<{ name: string; checksum: string; applied_at: Date }>> {
    const [exists] = await this.options.sequelize.query<{ present: boolean }>(
      `SELECT to_regclass('${MIGRATIONS_TABLE}') IS NOT NULL AS present`,
      { type: QueryTypes.SELECT },
    );
    if (!exists?.present) return [];
    return this.options.sequelize.query(
      `SELECT name, checksum, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY name`,
      { type: QueryTypes.SELECT },
    );
  }

  private async reportDrift(): Promise<void> {
    for (const s of await this.status()) {
      if (s.state === 'changed') this.logger.warn(`Migration ${s.name} was applied but its file has changed since`);
      if (s.state === 'missing') this.logger.warn(`Migration ${s.name} was applied but its file is missing`);
    }
  }

  private inTransaction(work: (context: MigrationContext) => Promise<void>): Promise<void> {
    const { sequelize } = this.options;
    return sequelize.transaction(async (transaction) => {
      await sequelize.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(this.options.statementTimeoutMs ?? 0))}`, {
        transaction,
      });
      await sequelize.query('SET LOCAL idle_in_transaction_session_timeout = 0', { transaction });
      await work({
        sequelize,
        queryInterface: sequelize.getQueryInterface(),
        transaction,
        sql: (text, replacements) => sequelize.query(text, { transaction, replacements }),
      });
    });
  }

  private umzug(): Umzug<Record<string, never>> {
    const files = this.files();
    const storage: UmzugStorage<Record<string, never>> = {
      executed: async () => (await this.appliedRows()).map((r) => r.name),
      // The bookkeeping row is written inside each migration's own transaction (see below),
      // so that a migration and its record commit or roll back together.
      logMigration: async () => undefined,
      unlogMigration: async () => undefined,
    };
    return new Umzug({
      context: {},
      storage,
      logger: undefined,
      migrations: files.map((file) => ({
        name: file.name,
        path: file.path,
        up: async () => {
          const migration = this.load(file.path);
          const checksum = migrationChecksum(file.source);
          this.logger.info(`Applying migration ${file.name}`);
          await this.inTransaction(async (context) => {
            await migration.up({ name: file.name, context });
            await context.sql(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum) VALUES (:name, :checksum)`, {
              name: file.name,
              checksum,
            });
          });
        },
        down: async () => {
          const migration = this.load(file.path);
          this.logger.info(`Reverting migration ${file.name}`);
          await this.inTransaction(async (context) => {
            await migration.down({ name: file.name, context });
            await context.sql(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = :name`, { name: file.name });
          });
        },
      })),
    });
  }

  private load(path: string): MigrationModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(path) as Partial<MigrationModule>;
    if (typeof loaded.up !== 'function' || typeof loaded.down !== 'function') {
      throw new Error(`Migration file ${path} must export async functions "up" and "down"`);
    }
    return loaded as MigrationModule;
  }
}
