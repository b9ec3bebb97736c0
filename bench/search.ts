/**
 * `npm run bench:search`: speed of the trademark search (issue 5) beside one raw pg_trgm query.
 *
 *   1. Database: BENCH_DATABASE_URL or an embedded PostgreSQL (lib.ts). The API migrates it.
 *   2. Registry: BENCH_SEARCH_RECORDS generated records (bench/registry-data.ts, serial numbers
 *      80000000 + i), imported with the CLI (`registry:import`). Skipped when the table already
 *      holds the generated serial numbers 80000000 .. 80000000 + N - 1, so reruns are fast.
 *      Then ANALYZE.
 *   3. The API (SCHEDULER_ENABLED=false, high rate limits, LOG_LEVEL=warn) and the bare server
 *      (bare-server.ts, GET /trigram?q=) on the same database; one account registered.
 *   4. ~200 deterministic query marks: variants of generated marks (typos, sound-alikes, shared
 *      words, exact marks). Every client goes through all of them, each starting elsewhere.
 *   5. At 1 and at BENCH_CONNECTIONS (8) concurrent clients: API POST /v1/trademarks/searches
 *      and bare GET /trigram, alternating (API first in odd rounds, bare first in even ones).
 *
 * Settings: BENCH_SEARCH_RECORDS (1000000), BENCH_DURATION_S (10), BENCH_WARMUP_S (3),
 * BENCH_ROUNDS (2), BENCH_CONNECTIONS (8), BENCH_SEARCH_CLASSES (none: comma-separated Nice classes
 * that every API search names, e.g. 9,25; the bare query has no classes). Report: stdout and
 * bench/out/search-<timestamp>.md.
 * Targets: API p95 < 100 ms at 1 client; API req/s >= 0.5 x bare req/s.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { normalizeMark } from '../libs/trademarks/src/search/normalize';
import {
  assertClean,
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
  processRssBytes,
  provideDatabase,
  ROOT,
  runMain,
  startApi,
  startBare,
  stopChild,
} from './lib';
import { ensureGeneratedRegistry, FIRST_SERIAL, withClient } from './registry';

const settings = {
  records: intFromEnv('BENCH_SEARCH_RECORDS', 1_000_000, 1_000, 9_000_000),
  durationS: intFromEnv('BENCH_DURATION_S', 10, 1),
  warmupS: intFromEnv('BENCH_WARMUP_S', 3, 0),
  rounds: intFromEnv('BENCH_ROUNDS', 2, 1),
  connections: intFromEnv('BENCH_CONNECTIONS', 8, 2),
  classes: classesFromEnv('BENCH_SEARCH_CLASSES'),
};
/** The Nice classes every API search names (BENCH_SEARCH_CLASSES), none by default. */
function classesFromEnv(name: string): number[] {
  const raw = (process.env[name] ?? '').trim();
  if (raw === '') return [];
  const classes = raw.split(',').map((part) => Number(part.trim()));
  if (classes.some((c) => !Number.isInteger(c) || c < 1 || c > 45)) throw new Error(`${name} must be comma-separated Nice classes 1-45, got ${raw}`);
  return classes;
}

/** The API's search body for a mark. */
const searchBody = (mark: string): string => JSON.stringify(settings.classes.length > 0 ? { mark, classes: settings.classes, limit: 20 } : { mark, limit: 20 });

const TARGETS = { p95At1Ms: 100, throughputRatio: 0.5 };

type Server = 'api' | 'bare';
interface Run {
  server: Server;
  clients: number;
  round: number;
  count: number;
  rate: number;
  /** Answers other than 2xx, by status code. */
  failed: Record<string, number>;
  latencies: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// Query marks

const SOUND: Array<[RegExp, string]> = [
  [/ph/, 'f'],
  [/ck/, 'k'],
  [/c(?=[aou])/, 'k'],
  [/qu/, 'kw'],
  [/ee/, 'ea'],
  [/oo/, 'u'],
  [/s$/, 'z'],
  [/y/, 'i'],
  [/i/, 'y'],
  [/x/, 'ks'],
  [/er$/, 'ar'],
  [/o/, 'oh'],
];
const EXTRA_WORDS = ['global', 'prime', 'nation', 'works', 'direct', 'one', 'express', 'central'];

function typo(mark: string, n: number): string {
  const letters = [...mark];
  const positions = letters.map((ch, i) => (/[a-z]/.test(ch) ? i : -1)).filter((i) => i > 0);
  if (positions.length === 0) return `${mark}e`;
  const at = positions[n % positions.length] as number;
  switch (n % 3) {
    case 0: // drop a letter
      letters.splice(at, 1);
      break;
    case 1: // swap with the previous letter
      [letters[at - 1], letters[at]] = [letters[at] as string, letters[at - 1] as string];
      break;
    default: // double it
      letters.splice(at, 0, letters[at] as string);
  }
  return letters.join('');
}

function soundAlike(mark: string, n: number): string {
  for (let k = 0; k < SOUND.length; k++) {
    const [pattern, replacement] = SOUND[(n + k) % SOUND.length] as [RegExp, string];
    if (pattern.test(mark)) return mark.replace(pattern, replacement);
  }
  return `${mark}e`;
}

function sharedWord(mark: string, n: number): string {
  const words = mark.split(' ').filter((w) => w.length > 2 && !/^(inc|llc|corp|co|ltd|group|holdings|gmbh|s\.a\.)\.?$/.test(w));
  const word = words[n % Math.max(1, words.length)] ?? mark;
  const extra = EXTRA_WORDS[n % EXTRA_WORDS.length] as string;
  return n % 2 === 0 ? `${word} ${extra}` : `${extra} ${word}`;
}

/** 50 generated marks spread over the registry, four variants each: exact, typo, sound-alike, shared word. */
async function queryMarks(url: string): Promise<string[]> {
  const picks = 50;
  const stride = Math.floor(settings.records / picks);
  const serials = Array.from({ length: picks }, (_, k) => String(FIRST_SERIAL + k * stride + (k * 7919) % Math.max(1, stride)));
  const marks = await withClient(url, async (client) => {
    const { rows } = await client.query<{ serial_number: string; mark: string }>(
      'SELECT serial_number, mark FROM trademark_records WHERE serial_number = ANY($1) ORDER BY serial_number',
      [serials],
    );
    return rows.map((r) => r.mark.toLowerCase());
  });
  if (marks.length < picks) throw new Error(`only ${marks.length} of ${picks} sampled serial numbers are in trademark_records`);
  const queries: string[] = [];
  marks.forEach((mark, n) => {
    queries.push(mark.toUpperCase(), typo(mark, n).toUpperCase(), soundAlike(mark, n).toUpperCase(), sharedWord(mark, n).toUpperCase());
  });
  return queries;
}

// ---------------------------------------------------------------------------------------------
// Load

async function load(
  options: autocannon.Options,
  requestsOf: (client: number) => autocannon.Request[],
  label: string,
): Promise<{ result: autocannon.Result; latencies: Float64Array }> {
  const samples: number[] = [];
  let clients = 0;
  const result = await autocannon({
    ...options,
    setupClient: (client) => {
      client.setRequests(requestsOf(clients++));
      // Every answer counts, failed ones too (a 503 after the statement timeout is a slow search).
      client.on('response', (_statusCode, _bytes, durationMs) => {
        samples.push(durationMs);
      });
    },
  });
  // Non-2xx answers are a finding, reported per run; sockets errors, timeouts and no 2xx at all fail the run.
  if (result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) assertClean(result, label);
  return { result, latencies: Float64Array.from(samples).sort() };
}

function requestsFor(server: Server, queries: string[], token: string): (client: number) => autocannon.Request[] {
  const all: autocannon.Request[] =
    server === 'api'
      ? queries.map((mark) => ({
          method: 'POST',
          path: '/v1/trademarks/searches',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'clearmark-bench/search' },
          body: searchBody(mark),
        }))
      : queries.map((mark) => ({ method: 'GET', path: `/trigram?q=${encodeURIComponent(normalizeMark(mark))}` }));
  return (client) => {
    const offset = (client * 37) % all.length;
    return [...all.slice(offset), ...all.slice(0, offset)];
  };
}

async function measure(server: Server, base: string, clients: number, round: number, queries: string[], token: string): Promise<Run> {
  const label = `${server === 'api' ? 'API POST /v1/trademarks/searches' : 'bare GET /trigram'} at ${clients} client(s), round ${round}/${settings.rounds}`;
  const options: autocannon.Options = { url: base, connections: clients, timeout: 30 };
  const requestsOf = requestsFor(server, queries, token);
  log(`${label}: ${settings.warmupS} s warm-up + ${settings.durationS} s`);
  if (settings.warmupS > 0) await load({ ...options, duration: settings.warmupS }, requestsOf, `${label} warm-up`);
  const { result, latencies } = await load({ ...options, duration: settings.durationS }, requestsOf, label);
  const failed: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) if (!code.startsWith('2')) failed[code] = stat.count;
  // Throughput counts successful answers only.
  const run: Run = { server, clients, round, count: result.requests.total, rate: result['2xx'] / result.duration, failed, latencies };
  if (result.non2xx > 0) log(`  ${result.non2xx} non-2xx answers: ${JSON.stringify(failed)}`);
  log(`  ${fmtInt(run.rate)} req/s, p50 ${fmtMs(percentile(latencies, 50))} ms, p95 ${fmtMs(percentile(latencies, 95))} ms, p99 ${fmtMs(percentile(latencies, 99))} ms`);
  return run;
}

/** Both servers answer every query mark with 2xx, and the API with results; counts for the report. */
async function check(api: string, bare: string, queries: string[], token: string): Promise<{ apiHits: number; bareHits: number }> {
  let apiHits = 0;
  let bareHits = 0;
  for (const mark of queries) {
    const a = await fetch(`${api}/v1/trademarks/searches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: searchBody(mark),
    });
    const aText = await a.text();
    if (a.status < 200 || a.status >= 300) throw new Error(`API search for ${mark} answered ${a.status}: ${aText}`);
    const aBody = JSON.parse(aText) as { results?: unknown[] };
    if ((aBody.results?.length ?? 0) > 0) apiHits++;
    const b = await fetch(`${bare}/trigram?q=${encodeURIComponent(normalizeMark(mark))}`);
    const bText = await b.text();
    if (b.status !== 200) throw new Error(`bare trigram for ${mark} answered ${b.status}: ${bText}`);
    if (((JSON.parse(bText) as { count?: number }).count ?? 0) > 0) bareHits++;
  }
  return { apiHits, bareHits };
}

/** Non-2xx answers of some runs, e.g. `10 (503: 10)`, or 0. */
function fmtFailed(runs: Run[]): string {
  const byCode: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.failed)) byCode[code] = (byCode[code] ?? 0) + n;
  const total = Object.values(byCode).reduce((a, b) => a + b, 0);
  return total === 0 ? '0' : `${total} (${Object.entries(byCode).map(([c, n]) => `${c}: ${n}`).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const date = new Date();
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const load1 = loadavg()[0] as number;
  if (load1 > 0.5) log(`load average ${load1.toFixed(2)}: other work is running on this machine, expect noisy figures`);

  const database = await provideDatabase();
  const pgVersion = await postgresVersion(database.url);
  log(`PostgreSQL ${pgVersion}: ${database.source}`);

  const apiEnv: Record<string, string> = {
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '20',
    SCHEDULER_ENABLED: 'false',
    RATE_LIMIT_MAX: '100000000',
    AUTH_RATE_LIMIT_MAX: '100000000',
    ACCESS_TOKEN_TTL_S: '86400',
    // The search path only, as the bare query has no such work: the after-search advice (whose
    // alternatives are searched on one background lane) is left out of the throughput figures.
    RECOMMENDATIONS_ADVICE_ENABLED: 'false',
    // The one bench account searches thousands of times: count its searches (the quota's work stays
    // in every request) but do not refuse them past the free plan's 10 a month.
    BILLING_SEARCH_QUOTA_ENFORCED: 'false',
  };
  log('starting the API (migrates the database) and waiting for /health/ready');
  let api = await startApi(database.url, { ...apiEnv, JWT_SECRET: randomBytes(36).toString('base64') });
  const registry = await ensureGeneratedRegistry(database.url, settings.records);
  log(`trademark_records: ${fmtInt(registry.total)} rows`);
  if (registry.imported) {
    // A fresh process after the import and ANALYZE: no plan or cache left from the empty table.
    await stopChild(api.child, 'API');
    api = await startApi(database.url, { ...apiEnv, JWT_SECRET: randomBytes(36).toString('base64') });
  }
  log(`API ready on ${api.base}`);

  const runId = `${date.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
  const register = await fetch(`${api.base}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-search-${runId}@example.com`, password: `bench ${randomBytes(12).toString('base64url')}`, name: 'Bench search' }),
  });
  const registered = (await register.json()) as { accessToken?: string };
  if (register.status !== 201 || typeof registered.accessToken !== 'string') throw new Error(`POST /v1/auth/register answered ${register.status}`);
  const token = registered.accessToken;

  const bare = await startBare(database.url);
  log(`bare server ready on ${bare}`);

  const queries = await queryMarks(database.url);
  log(`${queries.length} query marks, e.g. ${queries.slice(0, 8).join(' | ')}`);
  const hits = await check(api.base, bare, queries, token);
  log(`with results: API ${hits.apiHits}/${queries.length}, bare ${hits.bareHits}/${queries.length}`);

  const linesBefore = api.output.total;
  const runs: Run[] = [];
  // The API's resident memory after the check pass and after each of its measured runs: flat, or growing with the load.
  const rssMb: number[] = [];
  const sampleRss = (): void => {
    const rss = processRssBytes(api.child.pid);
    if (rss !== undefined) rssMb.push(rss / 2 ** 20);
  };
  sampleRss();
  for (const clients of [1, settings.connections]) {
    for (let round = 1; round <= settings.rounds; round++) {
      const order: Server[] = round % 2 === 1 ? ['api', 'bare'] : ['bare', 'api'];
      for (const server of order) {
        runs.push(await measure(server, server === 'api' ? api.base : bare, clients, round, queries, token));
        if (server === 'api') sampleRss();
      }
    }
  }
  const logged = api.output.total - linesBefore;
  const apiLog = logged > 0 ? api.output.lines.slice(-Math.min(10, logged)) : [];
  if (logged > 0) log(`the API wrote ${logged} log line(s) while under load`);

  // Report
  const lines: string[] = [];
  const cmd = `${['BENCH_SEARCH_RECORDS', 'BENCH_SEARCH_CLASSES'].map((name) => (process.env[name] ? `${name}=${process.env[name]} ` : '')).join('')}npm run bench:search`;
  lines.push(`## Trademark search speed: ${date.toISOString()}`);
  lines.push('');
  lines.push(`- Command: \`${cmd}\`; revision ${gitRevision()}; ${machineDescription()}; load average at start ${load1.toFixed(2)}`);
  lines.push(`- PostgreSQL ${pgVersion}: ${database.source}`);
  lines.push(
    `- Registry: ${fmtInt(settings.records)} generated records (${registry.imported ? `imported in this run in ${registry.importS.toFixed(0)} s` : 'already present, not re-imported'}), ${fmtInt(registry.total)} rows in trademark_records; ANALYZE before the runs`,
  );
  lines.push(
    `- ${queries.length} query marks (50 generated marks: exact, typo, sound-alike, shared word); with results: API ${hits.apiHits}, bare ${hits.bareHits}. ` +
      `API: POST /v1/trademarks/searches {mark, ${settings.classes.length > 0 ? `classes: [${settings.classes.join(', ')}], ` : ''}limit: 20} (stores each search); bare: Fastify + pg, one \`normalized_mark % $1 ORDER BY similarity DESC LIMIT 20\` (threshold 0.3) on the pre-normalized mark`,
  );
  lines.push(`- ${settings.rounds} round(s) per concurrency, ${settings.warmupS} s warm-up + ${settings.durationS} s each, API and bare alternating; latencies of all answers (2xx or not) merged over rounds; throughput counts 2xx answers only`);
  lines.push('');
  lines.push('| Clients | Server | requests | non-2xx | 2xx/s | p50 ms | p95 ms | p99 ms | API/bare 2xx/s |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  const summary = new Map<string, { rate: number; p95: number }>();
  for (const clients of [1, settings.connections]) {
    for (const server of ['api', 'bare'] as const) {
      const mine = runs.filter((r) => r.server === server && r.clients === clients);
      const lat = mergeSorted(mine.map((r) => r.latencies));
      const rate = mine.reduce((s, r) => s + r.rate, 0) / mine.length;
      summary.set(`${server}${clients}`, { rate, p95: percentile(lat, 95) });
      const bareRate = runs.filter((r) => r.server === 'bare' && r.clients === clients).reduce((s, r) => s + r.rate, 0) / settings.rounds;
      lines.push(
        `| ${clients} | ${server === 'api' ? 'API search' : 'bare trigram'} | ${fmtInt(mine.reduce((s, r) => s + r.count, 0))} | ${fmtFailed(mine)} | ${fmtInt(rate)} | ${fmtMs(percentile(lat, 50))} | ${fmtMs(percentile(lat, 95))} | ${fmtMs(percentile(lat, 99))} | ${server === 'api' ? fmtRatio(rate / bareRate) : ''} |`,
      );
    }
  }
  const p95 = summary.get('api1')?.p95 ?? NaN;
  const ratio1 = (summary.get('api1')?.rate ?? 0) / (summary.get('bare1')?.rate ?? 1);
  const ratioN = (summary.get(`api${settings.connections}`)?.rate ?? 0) / (summary.get(`bare${settings.connections}`)?.rate ?? 1);
  lines.push('');
  if (rssMb.length > 1) {
    const growth = rssMb[rssMb.length - 1]! / rssMb[1]! - 1;
    lines.push(`- API resident memory (MB) after the check pass and after each API run: ${rssMb.map((mb) => mb.toFixed(0)).join(', ')} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} % from the first run to the last)`);
  }
  lines.push(`- API p95 at 1 client: ${fmtMs(p95)} ms (target < ${TARGETS.p95At1Ms} ms): ${p95 < TARGETS.p95At1Ms ? 'met' : 'MISSED'}`);
  lines.push(
    `- API/bare throughput: ${fmtRatio(ratio1)} at 1 client, ${fmtRatio(ratioN)} at ${settings.connections} (target >= ${TARGETS.throughputRatio}): ` +
      `${Math.min(ratio1, ratioN) >= TARGETS.throughputRatio ? 'met' : 'MISSED'}`,
  );
  lines.push('');
  lines.push('Per round (in the order run):');
  lines.push('');
  lines.push('| Clients | Round | Server | non-2xx | 2xx/s | p50 ms | p95 ms | p99 ms |');
  lines.push('|---:|---:|---|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    lines.push(
      `| ${r.clients} | ${r.round} | ${r.server === 'api' ? 'API' : 'bare'} | ${fmtFailed([r])} | ${fmtInt(r.rate)} | ${fmtMs(percentile(r.latencies, 50))} | ${fmtMs(percentile(r.latencies, 95))} | ${fmtMs(percentile(r.latencies, 99))} |`,
    );
  }
  if (apiLog.length > 0) {
    lines.push('');
    lines.push(`The API wrote ${logged} line(s) at warn or above under load; the last ones:`);
    lines.push('');
    lines.push('```');
    lines.push(...apiLog.map((l) => l.slice(0, 400)));
    lines.push('```');
  }
  const markdown = lines.join('\n');
  process.stdout.write(`${markdown}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `search-${stamp}.md`);
  writeFileSync(file, `${markdown}\n`);
  log(`report written to ${relative(ROOT, file)}`);
}

runMain(main);
