import { Command, CommandRunner, Option } from 'nest-commander';
import { BackupsService, type BackupRunRecord } from '@app/backups';

function describeBackup(run: BackupRunRecord): string {
  const size = run.sizeBytes === null ? '' : ` ${(run.sizeBytes / 1024 / 1024).toFixed(2)} MiB`;
  const extra = run.kind === 'drill' ? (run.restoreMs === null ? '' : ` restore ${run.restoreMs} ms`) : run.verified ? ' verified' : '';
  return `${run.id}  ${run.kind.padEnd(6)} ${run.status.padEnd(8)} ${run.startedAt.toISOString()}  ${run.file ?? '-'}${size}${extra}${run.error ? `\n    error: ${run.error}` : ''}`;
}

/** `backup:create`: a verified backup now, then retention; exit 1 when it fails. */
@Command({ name: 'backup:create', description: 'Back the database up now (pg_dump to BACKUP_DIR, verified), then apply retention' })
export class BackupCreateCommand extends CommandRunner {
  constructor(private readonly backups: BackupsService) {
    super();
  }

  async run(): Promise<void> {
    const run = await this.backups.createBackup();
    process.stdout.write(`${describeBackup(run)}\n`);
    if (run.status !== 'success') {
      process.exitCode = 1;
      return;
    }
    if (run.sha256) process.stdout.write(`sha256 ${run.sha256}\n`);
    const { deleted, kept } = await this.backups.prune();
    process.stdout.write(`retention: kept ${kept}, deleted ${deleted.length}${deleted.length ? ` (${deleted.map((b) => b.file).join(', ')})` : ''}\n`);
  }
}

/** `backup:list [--limit N]`: backups and drills, newest first. */
@Command({ name: 'backup:list', description: 'List backups and restore drills, newest first' })
export class BackupListCommand extends CommandRunner {
  constructor(private readonly backups: BackupsService) {
    super();
  }

  async run(_args: string[], options: { limit?: number }): Promise<void> {
    const page = await this.backups.list({ limit: options.limit ?? 20 });
    process.stdout.write(`${page.data.map(describeBackup).join('\n') || 'No backups yet'}\n`);
  }

  @Option({ flags: '--limit <n>', description: 'How many (1 to 100, default 20)' })
  parseLimit(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`--limit takes 1 to 100, got "${value}"`);
    return n;
  }
}

/**
 * `backup:restore --file F --target-url URL [--force]`: restores a recorded backup after checking
 * its SHA-256 against backup_runs; refuses a non-empty target without --force. The target URL
 * holds a password: it is never printed.
 */
@Command({ name: 'backup:restore', description: 'Restore a backup file into the database at --target-url (checksum checked first)' })
export class BackupRestoreCommand extends CommandRunner {
  constructor(private readonly backups: BackupsService) {
    super();
  }

  async run(_args: string[], options: { file?: string; targetUrl?: string; force?: boolean }): Promise<void> {
    if (!options.file || !options.targetUrl) throw new Error('Usage: npm run cli -- backup:restore --file <file> --target-url <postgres://...> [--force]');
    const result = await this.backups.restore({ file: options.file, targetUrl: options.targetUrl, force: options.force ?? false });
    const rows = Object.entries(result.tables).map(([table, c]) => `  ${table.padEnd(20)} ${String(c.expected).padStart(10)} ${String(c.actual ?? 'missing').padStart(10)}`);
    process.stdout.write(
      `Restored ${result.file} into ${result.target} in ${result.restoreMs} ms${result.replaced ? ' (replacing its objects)' : ''}\n` +
        `  ${'table'.padEnd(20)} ${'backup'.padStart(10)} ${'restored'.padStart(10)}\n${rows.join('\n')}\n`,
    );
    if (result.mismatches.length > 0) {
      process.stdout.write(`Row counts differ:\n  ${result.mismatches.join('\n  ')}\n`);
      process.exitCode = 1;
    }
  }

  @Option({ flags: '--file <file>', description: 'The dump: a path, or a file name in BACKUP_DIR' })
  parseFile(value: string): string {
    return value;
  }

  @Option({ flags: '--target-url <url>', description: 'postgres://user:password@host:5432/dbname of an existing database' })
  parseTargetUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--force', description: 'Restore into a database that already has tables (drops and recreates the backup’s objects)' })
  parseForce(): boolean {
    return true;
  }
}
