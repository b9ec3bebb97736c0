import { Command, CommandRunner } from 'nest-commander';
import { Logger } from '@nestjs/common';
import { MigrationService } from '@app/database';

/** `migrate up | down [steps] | status` (`create` runs without a database: see main.ts). */
@Command({
  name: 'migrate',
  arguments: '<action> [steps]',
  description: 'Apply (up), revert (down [steps]) or list (status) database migrations',
})
export class MigrateCommand extends CommandRunner {
  private readonly logger = new Logger('Migrate');

  constructor(private readonly migrations: MigrationService) {
    super();
  }

  async run([action, steps]: string[]): Promise<void> {
    switch (action) {
      case 'up': {
        const applied = await this.migrations.up();
        this.print(applied.length ? applied.map((n) => `applied  ${n}`).join('\n') : 'Nothing to apply: the schema is up to date');
        return;
      }
      case 'down': {
        const count = steps === undefined ? 1 : Number(steps);
        if (!Number.isInteger(count) || count < 1) throw new Error(`down takes a positive number of steps, got "${steps}"`);
        const reverted = await this.migrations.down(count);
        this.print(reverted.length ? reverted.map((n) => `reverted ${n}`).join('\n') : 'Nothing to revert');
        return;
      }
      case 'status': {
        const rows = await this.migrations.status();
        const lines = rows.map((r) => {
          const state = r.state === 'changed' ? 'CHANGED (file edited after it was applied)' : r.state === 'missing' ? 'MISSING (applied, file gone)' : r.state;
          return `${r.name.padEnd(50)} ${state}${r.appliedAt ? `  ${r.appliedAt.toISOString()}` : ''}`;
        });
        this.print(lines.join('\n') || 'No migrations');
        if (rows.some((r) => r.state === 'changed' || r.state === 'missing')) process.exitCode = 2;
        return;
      }
      default:
        throw new Error(`Unknown migrate action "${action}": use up, down [steps], status or create <name>`);
    }
  }

  private print(text: string): void {
    process.stdout.write(`${text}\n`);
    this.logger.debug(text);
  }
}
