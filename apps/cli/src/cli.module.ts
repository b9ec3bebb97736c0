import { Module } from '@nestjs/common';
import { BackupsModule } from '@app/backups';
import { BillingModule } from '@app/billing';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { JobsModule } from '@app/jobs';
import { LoggingModule, MetricsModule } from '@app/observability';
import { identityModules } from '@app/sessions';
import { TrademarksModule } from '@app/trademarks';
import { ALL_MODELS, CONFIG_SLICES } from '../../composition/src';
import { BackupCreateCommand, BackupListCommand, BackupRestoreCommand } from './commands/backup.command';
import { CreateAdminCommand } from './commands/create-admin.command';
import { JobsListCommand, JobsRunCommand } from './commands/jobs.command';
import { MigrateCommand } from './commands/migrate.command';
import { RegistryImportCommand } from './commands/registry-import.command';
import { RegistryReanalyzeCommand } from './commands/registry-reanalyze.command';

/** Every operator command (the catalog of `--help` is built from this list too). */
export const CLI_COMMANDS = [
  MigrateCommand,
  CreateAdminCommand,
  JobsRunCommand,
  JobsListCommand,
  BackupCreateCommand,
  BackupListCommand,
  BackupRestoreCommand,
  RegistryImportCommand,
  RegistryReanalyzeCommand,
];

/** Operator commands; never migrates implicitly (that is what `migrate up` is for). */
@Module({
  imports: [
    ConfigModule.forRoot({ slices: CONFIG_SLICES }),
    DatabaseModule.forRoot({ applicationName: 'clearmark-cli', migrateOnStart: false, models: ALL_MODELS }),
    LoggingModule,
    MetricsModule,
    ...identityModules(),
    // The cli never schedules: it runs single jobs with jobs:run.
    JobsModule.forRoot({ process: 'cli' }),
    BackupsModule,
    TrademarksModule.forRoot(),
    // So that jobs:run reaches billing's jobs.
    BillingModule,
  ],
  providers: CLI_COMMANDS,
})
export class CliModule {}
