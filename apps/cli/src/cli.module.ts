import { Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule } from '@app/observability';
import { MigrateCommand } from './commands/migrate.command';

/** Operator commands; never migrates implicitly (that is what `migrate up` is for). */
@Module({
  imports: [ConfigModule.forRoot(), DatabaseModule.forRoot({ applicationName: 'clearmark-cli', migrateOnStart: false }), LoggingModule],
  providers: [MigrateCommand],
})
export class CliModule {}
