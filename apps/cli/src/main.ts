import 'reflect-metadata';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { loadConfigOrExit, readDotEnv } from '@app/config';
import { createMigrationFile, useEmbeddedDatabaseByDefault } from '@app/database';
import { CONFIG_SLICES } from '../../composition/src';
import { cliCatalog, RunNeedsTheDatabase } from './cli.catalog';
import { CLI_COMMANDS, CliModule } from './cli.module';

/** A usage error commander has already printed (one line, or the help): exit with its code. */
class AlreadyReported extends Error {
  constructor(readonly exitCode: number) {
    super('reported');
  }
}

type RunOptions = Exclude<Parameters<typeof CommandFactory.run>[1], undefined | false | unknown[]>;

/** Nest's console logger on stderr: a command's stdout carries its result only (pipeable). */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, _stream?: 'stdout' | 'stderr', errorStack?: unknown): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}

/** What commander's help needs of a command. */
interface HelpCommand {
  parent: unknown;
  name(): string;
  usage(): string;
}

const commanderOptions = (serviceErrorHandler: (error: Error) => void): RunOptions => ({
  logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
  // "Usage: npm run cli -- migrate ...", not the name of the compiled file.
  helpConfiguration: {
    commandUsage: (command: HelpCommand) => ['npm run cli --', ...(command.parent ? [command.name()] : []), command.usage()].join(' '),
  },
  // Commander has printed the help or its one-line error by the time this runs.
  errorHandler: (error: Error) => {
    throw new AlreadyReported((error as { exitCode?: number }).exitCode ?? 1);
  },
  serviceErrorHandler: (error: Error) => serviceErrorHandler(error),
});

/**
 * Parses the command line against the catalog (no configuration, no database): true when a
 * command is to run; help, unknown commands and missing arguments end here.
 */
async function needsToRun(): Promise<boolean> {
  let runs = false;
  await CommandFactory.run(
    cliCatalog(CLI_COMMANDS),
    commanderOptions((error) => {
      if (!(error instanceof RunNeedsTheDatabase)) throw error;
      runs = true;
    }),
  );
  return runs;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // Writing a migration file needs no database.
  if (args[0] === 'migrate' && args[1] === 'create') {
    if (!args[2]) throw new Error('Usage: npm run migrate -- create <lib>-<verb-noun> (e.g. users-add-index-to-email)');
    process.stdout.write(`created ${createMigrationFile(args[2])}\n`);
    return;
  }
  if (!(await needsToRun())) return;
  readDotEnv();
  // Commands print their own results; the logs are for warnings and errors only.
  process.env.LOG_LEVEL ??= 'warn';
  process.env.LOG_PRETTY ??= 'false';
  // Operator commands never create demo data (and may run before the schema exists).
  process.env.SEED_DEMO_DATA = 'false';
  const database = await useEmbeddedDatabaseByDefault(loadConfigOrExit(process.env, CONFIG_SLICES));
  try {
    await CommandFactory.run(
      CliModule,
      commanderOptions((error) => {
        throw error;
      }),
    );
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    if (error instanceof AlreadyReported) process.exit(error.exitCode);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
