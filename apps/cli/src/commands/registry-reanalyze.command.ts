import { Command, CommandRunner, Option } from 'nest-commander';
import { DEFAULT_REANALYZE_BATCH_SIZE, RegistryReanalyzeService, type ReanalyzeProgress } from '@app/trademarks';

function describe(p: ReanalyzeProgress): string {
  const seconds = p.elapsedMs / 1000;
  return `${p.analyzed} of ${p.total} records analyzed (${p.rekeyed} re-keyed), ${Math.round(p.analyzed / Math.max(seconds, 0.001))} records/s`;
}

/**
 * `registry:reanalyze [--batch-size N]`: stores the analysis of every record that has none of the
 * current analyzer version (records imported before it was stored, or after an analyzer change),
 * re-keying them where the rules changed. Progress on stderr, a summary on stdout. Safe to stop
 * and run again: it continues with the records still missing.
 */
@Command({ name: 'registry:reanalyze', description: 'Store the current analysis (and search keys) of every registry record that lacks it; resumable' })
export class RegistryReanalyzeCommand extends CommandRunner {
  constructor(private readonly reanalyzer: RegistryReanalyzeService) {
    super();
  }

  @Option({ flags: '--batch-size <n>', description: `records per batch and transaction (default ${DEFAULT_REANALYZE_BATCH_SIZE})` })
  parseBatchSize(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('--batch-size must be an integer from 1 to 100000');
    return n;
  }

  async run(_args: string[], options: { batchSize?: number } = {}): Promise<void> {
    let lastLine = 0;
    const done = await this.reanalyzer.reanalyze({
      batchSize: options.batchSize,
      onProgress: (progress) => {
        const now = Date.now();
        if (now - lastLine >= 1000) {
          process.stderr.write(`${describe(progress)}\n`);
          lastLine = now;
        }
      },
    });
    process.stdout.write(`${describe(done)} in ${(done.elapsedMs / 1000).toFixed(1)} s\n`);
  }
}
