import { Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule, MetricsModule } from '@app/observability';
import { identityModules } from '@app/sessions';
import { CreateAdminCommand } from './commands/create-admin.command';
import { MigrateCommand } from './commands/migrate.command';

/** Operator commands; never migrates implicitly (that is what `migrate up` is for). */
@Module({
  imports: [
    ConfigModule.forRoot(),
    DatabaseModule.forRoot({ applicationName: 'clearmark-cli', migrateOnStart: false }),
    LoggingModule,
    MetricsModule,
    ...identityModules(),
  ],
  providers: [MigrateCommand, CreateAdminCommand],
})
export class CliModule {}
