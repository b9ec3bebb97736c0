/**
 * The generated registry the benchmarks search: BENCH records of bench/registry-data.ts (serial
 * numbers 80000000 + i), imported with the CLI (`registry:import`), then ANALYZE. Skipped when the
 * table already holds those serial numbers, so reruns on the same database are fast.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { fmtInt, log, OUT_DIR, ROOT } from './lib';

export const FIRST_SERIAL = 80_000_000;
const CLI_MAIN = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const DATA_MAIN = join(__dirname, 'registry-data.js');

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** How many of the generated serial numbers 80000000 .. 80000000 + N - 1 the table holds. */
async function generatedCount(url: string, records: number): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM trademark_records WHERE serial_number >= $1 AND serial_number <= $2 AND length(serial_number) = 8`,
      [String(FIRST_SERIAL), String(FIRST_SERIAL + records - 1)],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

export interface GeneratedRegistry {
  /** True when this call imported the records (false: they were there already). */
  imported: boolean;
  /** Rows of trademark_records after the call. */
  total: number;
  /** Seconds the import took (0 without one). */
  importS: number;
}

/** Makes sure the database holds the first `records` generated records (migrated schema required). */
export async function ensureGeneratedRegistry(url: string, records: number): Promise<GeneratedRegistry> {
  const have = await generatedCount(url, records);
  let imported = false;
  let importS = 0;
  if (have >= records) {
    log(`trademark_records already holds the ${fmtInt(have)} generated records: no import`);
  } else {
    const file = join(OUT_DIR, `registry-${records}.xml`);
    if (existsSync(file)) {
      log(`reusing ${relative(ROOT, file)}`);
    } else {
      log(`generating ${fmtInt(records)} records (bench/registry-data.ts)`);
      execFileSync(process.execPath, [DATA_MAIN, '--records', String(records), '--out', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    log(`importing ${relative(ROOT, file)} (registry:import)`);
    const started = Date.now();
    execFileSync(process.execPath, [CLI_MAIN, 'registry:import', file], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', LOG_PRETTY: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    importS = (Date.now() - started) / 1000;
    imported = true;
    const now = await generatedCount(url, records);
    if (now < records) throw new Error(`after the import trademark_records holds ${now} of ${records} generated records`);
  }
  log('ANALYZE trademark_records');
  const total = await withClient(url, async (client) => {
    await client.query('ANALYZE trademark_records');
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM trademark_records');
    return Number(rows[0]?.n ?? 0);
  });
  return { imported, total, importS };
}
