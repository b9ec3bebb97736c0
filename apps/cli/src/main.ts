import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { loadConfigOrExit, readDotEnv } from '@app/config';
import { createMigrationFile, useEmbeddedDatabaseByDefault } from '@app/database';
import { CONFIG_SLICES } from '../../composition/src';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  readDotEnv();
  const args = process.argv.slice(2);
  // Writing a migration file needs no database.
  if (args[0] === 'migrate' && args[1] === 'create') {
    if (!args[2]) throw new Error('Usage: npm run migrate -- create <lib>-<verb-noun> (e.g. users-add-index-to-email)');
    process.stdout.write(`created ${createMigrationFile(args[2])}\n`);
    return;
  }
  // Commands print their own results; the logs are for warnings and errors only.
  process.env.LOG_LEVEL ??= 'warn';
  process.env.LOG_PRETTY ??= 'false';
  // Operator commands never create demo data (and may run before the schema exists).
  process.env.SEED_DEMO_DATA = 'false';
  const database = await useEmbeddedDatabaseByDefault(loadConfigOrExit(process.env, CONFIG_SLICES));
  try {
    await CommandFactory.run(CliModule, {
      logger: ['error', 'warn'],
      errorHandler: (error) => {
        throw error;
      },
      serviceErrorHandler: (error) => {
        throw error;
      },
    });
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
