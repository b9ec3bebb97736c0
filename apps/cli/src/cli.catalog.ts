import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { CommandRunner } from 'nest-commander';

/** Thrown by a catalog command when it is asked to run: the real command needs the database. */
export class RunNeedsTheDatabase extends Error {
  constructor() {
    super('this command needs the database');
  }
}

@Module({})
class CliCatalogModule {}

/**
 * The CLI's commands without their dependencies: each command class is extended so that its
 * `run` throws RunNeedsTheDatabase, and whatever its constructor takes is an empty stand-in.
 * nest-commander reads the same @Command/@Option metadata from it, so `--help`, a command's
 * `--help`, an unknown command and a missing argument are answered from here, with no
 * configuration loaded and no database started or connected.
 */
export function cliCatalog(commands: Array<Type<CommandRunner>>): DynamicModule {
  const dependencies = new Set<unknown>();
  const providers = commands.map((command) => {
    for (const dependency of (Reflect.getMetadata('design:paramtypes', command) as unknown[] | undefined) ?? []) dependencies.add(dependency);
    const catalogEntry = class extends command {
      override async run(): Promise<void> {
        throw new RunNeedsTheDatabase();
      }
    };
    Object.defineProperty(catalogEntry, 'name', { value: command.name });
    return catalogEntry;
  });
  return {
    module: CliCatalogModule,
    providers: [...providers, ...[...dependencies].map((dependency) => ({ provide: dependency as Type<unknown>, useValue: {} }))],
  };
}
