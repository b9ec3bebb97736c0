/**
 * HTTP platform baseline: what the Clearmark stack (NestJS 11 on Fastify 5, Sequelize, the
 * global guards, interceptors, logging and metrics) costs per request, compared with a bare
 * Fastify 5 + pg server doing the same thing on the same machine, in the same run.
 *
 *   app  GET /health/live   vs  bare GET /live   (no database)
 *   app  GET /health/ready  vs  bare GET /db     (a database round trip)
 *
 * Run with `npm run bench:http` (builds first). Environment:
 *   BENCH_DATABASE_URL   PostgreSQL to use; without it an embedded server is started in a temp dir
 *   BENCH_DURATION_S     measured seconds per run (10)
 *   BENCH_WARMUP_S       warm-up seconds before each measured run (3)
 *   BENCH_CONNECTIONS    concurrent connections (10)
 *   BENCH_ROUNDS         measured runs per server and endpoint, interleaved app/bare (2)
 *
 * Progress goes to stderr; the Markdown report goes to stdout and to
 * bench/out/http-baseline-<timestamp>.md. Any non-2xx response, socket error or timeout fails
 * the run. Everything started here is stopped at the end, also on error or Ctrl-C.
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  assertClean,
  commandLine,
  fmtInt,
  fmtMs,
  fmtRatio,
  gitRevision,
  intFromEnv,
  log,
  machineDescription,
  mergeSorted,
  OUT_DIR,
  percentile,
  postgresVersion,
  provideDatabase,
  ROOT,
  runMain,
  startApi,
  startBare,
} from './lib';

const settings = {
  durationS: intFromEnv('BENCH_DURATION_S', 10, 1),
  warmupS: intFromEnv('BENCH_WARMUP_S', 3, 0),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1),
  rounds: intFromEnv('BENCH_ROUNDS', 2, 1),
};

type Server = 'app' | 'bare';

interface Pair {
  name: string;
  paths: Record<Server, string>;
}

const PAIRS: Pair[] = [
  { name: 'Liveness, no database', paths: { app: '/health/live', bare: '/live' } },
  { name: 'Database round trip', paths: { app: '/health/ready', bare: '/db' } },
];

interface Measurement {
  pair: string;
  server: Server;
  path: string;
  round: number;
  requests: number;
  durationS: number;
  rps: number;
  /** Response times of the 2xx answers in ms, sorted ascending. */
  latencies: Float64Array;
  non2xx: number;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * autocannon's own latency histogram has whole-millisecond resolution, too coarse for answers
 * that take well under 1 ms; its clients report each response time as a float, kept here.
 */
async function measure(base: string, path: string, label: string): Promise<{ result: autocannon.Result; latencies: Float64Array }> {
  const url = `${base}${path}`;
  if (settings.warmupS > 0) {
    const warmup = await autocannon({ url, connections: settings.connections, duration: settings.warmupS });
    assertClean(warmup, `${label} warm-up`);
  }
  const samples: number[] = [];
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.durationS,
    setupClient: (client) => {
      client.on('response', (statusCode, _bytes, durationMs) => {
        if (statusCode >= 200 && statusCode < 300) samples.push(durationMs);
      });
    },
  });
  assertClean(result, label);
  return { result, latencies: Float64Array.from(samples).sort() };
}

async function runAll(bases: Record<Server, string>): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const pair of PAIRS) {
    for (let round = 1; round <= settings.rounds; round++) {
      // app, bare, then bare, app: alternating which goes first cancels a linear drift.
      const order: Server[] = round % 2 === 1 ? ['app', 'bare'] : ['bare', 'app'];
      for (const server of order) {
        const path = pair.paths[server];
        const label = `${server} GET ${path} (round ${round}/${settings.rounds})`;
        log(`${label}: ${settings.warmupS} s warm-up + ${settings.durationS} s, ${settings.connections} connections`);
        const { result, latencies } = await measure(bases[server], path, label);
        const m: Measurement = {
          pair: pair.name,
          server,
          path,
          round,
          requests: result.requests.total,
          durationS: result.duration,
          rps: result.requests.total / result.duration,
          latencies,
          non2xx: result.non2xx,
        };
        log(
          `  ${Math.round(m.rps)} req/s, p50 ${fmtMs(percentile(latencies, 50))} ms, p99 ${fmtMs(percentile(latencies, 99))} ms, non-2xx ${m.non2xx}`,
        );
        measurements.push(m);
      }
    }
  }
  return measurements;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** All rounds of one server and endpoint together: requests over seconds, percentiles of all samples. */
function summarise(ms: Measurement[]): Summary {
  const requests = ms.reduce((a, m) => a + m.requests, 0);
  const seconds = ms.reduce((a, m) => a + m.durationS, 0);
  const all = mergeSorted(ms.map((m) => m.latencies));
  return {
    rps: requests / seconds,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    non2xx: ms.reduce((a, m) => a + m.non2xx, 0),
  };
}

function report(measurements: Measurement[], context: { date: Date; database: string; pgVersion: string }): string {
  const lines: string[] = [];
  lines.push(`# HTTP platform baseline, ${context.date.toISOString()}`);
  lines.push('');
  lines.push(`- Command: \`${commandLine(['BENCH_DATABASE_URL', 'BENCH_DURATION_S', 'BENCH_WARMUP_S', 'BENCH_CONNECTIONS', 'BENCH_ROUNDS'], 'bench:http')}\``);
  lines.push(`- Revision: ${gitRevision()}`);
  lines.push(`- Machine: ${machineDescription()}`);
  lines.push(`- PostgreSQL ${context.pgVersion}: ${context.database}`);
  lines.push(
    `- Load: autocannon, ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured per run, ` +
      `${settings.rounds} round(s) per server, interleaved (app/bare, then bare/app)`,
  );
  lines.push(
    '- req/s = requests completed over all rounds / seconds measured; p50 and p99 = percentiles of every 2xx response time of all rounds (client side, sub-ms resolution)',
  );
  lines.push('');
  lines.push('| Comparison | Server | Endpoint | req/s | p50 ms | p99 ms | non-2xx | app/bare req/s |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|');
  for (const pair of PAIRS) {
    const app = summarise(measurements.filter((m) => m.pair === pair.name && m.server === 'app'));
    const bare = summarise(measurements.filter((m) => m.pair === pair.name && m.server === 'bare'));
    const ratio = fmtRatio(app.rps / bare.rps);
    lines.push(
      `| ${pair.name} | app (NestJS) | GET ${pair.paths.app} | ${fmtInt(app.rps)} | ${fmtMs(app.p50)} | ${fmtMs(app.p99)} | ${app.non2xx} | **${ratio}** |`,
    );
    lines.push(`| ${pair.name} | bare Fastify + pg | GET ${pair.paths.bare} | ${fmtInt(bare.rps)} | ${fmtMs(bare.p50)} | ${fmtMs(bare.p99)} | ${bare.non2xx} | |`);
  }
  lines.push('');
  lines.push('Per round (in the order run):');
  lines.push('');
  lines.push('| Comparison | Round | Server | Endpoint | req/s | p50 ms | p99 ms | non-2xx | app/bare req/s |');
  lines.push('|---|---:|---|---|---:|---:|---:|---:|---:|');
  for (const m of measurements) {
    const partner = measurements.find((o) => o.pair === m.pair && o.round === m.round && o.server !== m.server);
    const ratio = m.server === 'app' && partner ? fmtRatio(m.rps / partner.rps) : '';
    lines.push(
      `| ${m.pair} | ${m.round} | ${m.server} | GET ${m.path} | ${fmtInt(m.rps)} | ${fmtMs(percentile(m.latencies, 50))} | ${fmtMs(percentile(m.latencies, 99))} | ${m.non2xx} | ${ratio} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const date = new Date();
  const runs = PAIRS.length * settings.rounds * 2;
  log(`${runs} runs of ${settings.warmupS} + ${settings.durationS} s: about ${Math.ceil((runs * (settings.warmupS + settings.durationS)) / 60)} min`);

  const database = await provideDatabase();
  const pgVersion = await postgresVersion(database.url);
  log(`PostgreSQL ${pgVersion}: ${database.source}`);

  log('starting the API (dist/apps/api/src/main.js) and waiting for /health/ready');
  const { base: app, output: appOutput } = await startApi(database.url, { RATE_LIMIT_MAX: '100000000' });
  log(`API ready on ${app}`);
  const linesBefore = appOutput.total;
  const bare = await startBare(database.url);
  log(`bare server ready on ${bare}`);

  const measurements = await runAll({ app, bare });
  // LOG_LEVEL=warn: anything the API wrote while under load deserves a look (slow queries, errors).
  const logged = appOutput.total - linesBefore;
  if (logged > 0) {
    log(`the API wrote ${logged} log line(s) while under load; the last ones:`);
    for (const line of appOutput.lines.slice(-Math.min(10, logged))) log(`  ${line}`);
  }
  const markdown = report(measurements, { date, database: database.source, pgVersion });

  process.stdout.write(`${markdown}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `http-baseline-${date.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, markdown);
  log(`report written to ${relative(ROOT, file)}`);
}

runMain(main);
