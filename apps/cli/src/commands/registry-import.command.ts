import { Command, CommandRunner } from 'nest-commander';
import { formatImportProgress, RegistryImportService, type ImportSummary, type RejectedRecord } from '@app/trademarks';

function describeRejected(r: RejectedRecord): string {
  return `  skipped record #${r.position}${r.entry ? ` of ${r.entry}` : ''}${r.serialNumber ? ` (serial ${r.serialNumber})` : ''}: ${r.reason}`;
}

function describeSummary(s: ImportSummary): string {
  const seconds = s.durationMs / 1000;
  return [
    `${s.file} (${s.format}) in ${seconds.toFixed(1)} s, ${Math.round(s.read / Math.max(seconds, 0.001))} records/s`,
    `  read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejectedCount}`,
    ...(s.fileProblem ? [`  ${s.truncated ? 'TRUNCATED' : 'file problem'}: ${s.fileProblem}`] : []),
  ].join('\n');
}

/**
 * `registry:import <path>`: imports a USPTO case-file XML (.xml, or a .zip of them) or registry CSV (.csv) into the
 * registry, with progress on stderr and a summary on stdout. Exit 1 when records were skipped or
 * the file was cut short (what could be read is imported either way).
 */
@Command({ name: 'registry:import', arguments: '<path>', description: 'Import a registry file (USPTO case-file .xml, a .zip of them, or .csv) into trademark_records' })
export class RegistryImportCommand extends CommandRunner {
  constructor(private readonly importer: RegistryImportService) {
    super();
  }

  async run([path]: string[]): Promise<void> {
    const interactive = process.stderr.isTTY === true;
    let lastLine = 0;
    const summary = await this.importer.importFile(path, {
      onProgress: (progress) => {
        const now = Date.now();
        // At most a line a second when not on a terminal (logs), in place when on one.
        if (interactive) {
          process.stderr.write(`\r${formatImportProgress(progress)}\u001b[K`);
        } else if (now - lastLine >= 1000) {
          process.stderr.write(`${formatImportProgress(progress)}\n`);
          lastLine = now;
        }
      },
      onRejected: (rejected) => process.stderr.write(`${interactive ? '\r\u001b[K' : ''}${describeRejected(rejected)}\n`),
    });
    if (interactive) process.stderr.write('\n');
    process.stdout.write(`${describeSummary(summary)}\n`);
    if (summary.rejectedCount > 0 || summary.truncated || summary.fileProblem) process.exitCode = 1;
  }
}
