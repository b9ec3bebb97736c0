import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { Sequelize as PlainSequelize } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { AppConfigService } from '@app/config';
import { sequelizeOptions } from '../connection/sequelize-options';
import { embeddedServerPort } from '../embedded/embedded-default';
import type { CurrentPort } from '../locks/advisory-lock';
import { DATABASE_MODULE_OPTIONS, DatabaseModuleOptions } from '../database.constants';
import { MigrationRunner, MigrationStatus } from './migration-runner';

/**
 * The migration runner; migrates on start when configured. Migrations run on the application's
 * connection, or, when MIGRATION_DATABASE_URL names another role (the tables' owner), on a
 * short-lived connection of that role, which then grants the application's role what it needs.
 * Status and the pending list are read on the application's connection.
 */
@Injectable()
export class MigrationService implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  private readonly runner: MigrationRunner;

  constructor(
    @InjectConnection() sequelize: Sequelize,
    private readonly config: AppConfigService,
    @Inject(DATABASE_MODULE_OPTIONS) private readonly options: DatabaseModuleOptions,
  ) {
    // The application's connection follows the embedded server when it moves, as its pool does.
    this.runner = this.runnerOn(sequelize, embeddedServerPort);
  }

  private runnerOn(sequelize: PlainSequelize, currentPort?: CurrentPort): MigrationRunner {
    return new MigrationRunner({
      sequelize,
      currentPort,
      statementTimeoutMs: this.config.database.migrationStatementTimeoutMs,
      logger: { info: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m) },
      appRole: this.config.database.connection?.user,
    });
  }

  /** Runs work with a runner on the migrating role's connection (the application's if there is no other). */
  private async asOwner<T>(work: (runner: MigrationRunner) => Promise<T>): Promise<T> {
    const owner = this.config.database.migrationConnection;
    if (!owner) return work(this.runner);
    const base = sequelizeOptions({ ...this.config.database, connection: owner, pool: { max: 2, min: 0, acquireMs: 60_000, idleMs: 1_000 } }, 'clearmark-migrations');
    const sequelize = new PlainSequelize({ ...base, define: undefined });
    try {
      return await work(this.runnerOn(sequelize));
    } finally {
      await sequelize.close();
    }
  }

  async onModuleInit(): Promise<void> {
    if (this.options.migrateOnStart ?? this.config.database.migrateOnStart) {
      const applied = await this.up();
      this.logger.log(applied.length > 0 ? `Applied ${applied.length} migration(s)` : 'Database schema is up to date');
    }
  }

  up(): Promise<string[]> {
    return this.asOwner((runner) => runner.up());
  }

  down(steps = 1): Promise<string[]> {
    return this.asOwner((runner) => runner.down(steps));
  }

  /** The names of the migration files this build ships, in order. */
  names(): string[] {
    return this.runner.files().map((f) => f.name);
  }

  pending(): Promise<string[]> {
    return this.runner.pending();
  }

  status(): Promise<MigrationStatus[]> {
    return this.runner.status();
  }
}
