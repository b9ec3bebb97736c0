import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { Sequelize } from 'sequelize-typescript';
import { AppConfigService } from '@app/config';
import { DATABASE_MODULE_OPTIONS, DatabaseModuleOptions } from '../database.constants';
import { MigrationRunner, MigrationStatus } from './migration-runner';

/** The migration runner on the application's connection; migrates on start when configured. */
@Injectable()
export class MigrationService implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  private readonly runner: MigrationRunner;

  constructor(
    @InjectConnection() sequelize: Sequelize,
    private readonly config: AppConfigService,
    @Inject(DATABASE_MODULE_OPTIONS) private readonly options: DatabaseModuleOptions,
  ) {
    this.runner = new MigrationRunner({
      sequelize,
      statementTimeoutMs: config.database.migrationStatementTimeoutMs,
      logger: { info: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m) },
    });
  }

  async onModuleInit(): Promise<void> {
    if (this.options.migrateOnStart ?? this.config.database.migrateOnStart) {
      const applied = await this.runner.up();
      this.logger.log(applied.length > 0 ? `Applied ${applied.length} migration(s)` : 'Database schema is up to date');
    }
  }

  up(): Promise<string[]> {
    return this.runner.up();
  }

  down(steps = 1): Promise<string[]> {
    return this.runner.down(steps);
  }

  pending(): Promise<string[]> {
    return this.runner.pending();
  }

  status(): Promise<MigrationStatus[]> {
    return this.runner.status();
  }
}
