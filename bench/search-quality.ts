/**
 * Search-quality benchmark (issue 5): how well the clearance search surfaces the prior mark of
 * each `similar` pair of ../shared/data/eval/tm-pairs-dev.tsv among a generated registry, beside
 * a plain pg_trgm similarity() ranking in the same run, and which risk it gives `distinct` pairs.
 *
 *   1. Migrates a database (BENCH_DATABASE_URL, or an embedded PostgreSQL in a temp dir).
 *   2. Generates a deterministic registry of BENCH_RECORDS marks (100,000 by default): coined
 *      single words, two-word marks, coined word + descriptive word, company-style names, with
 *      random classes and ~70% live; keys computed by the same normalize functions as the importer.
 *   3. Adds the prior mark of every pair (its classes, live), ANALYZE.
 *   4. Runs each query mark through the search engine (the service's candidate SQL and scoring)
 *      and through `ORDER BY similarity(mark, query) DESC LIMIT 10`, and reports recall@1,
 *      recall@10 and MRR (over the top 100) of the prior for `similar` pairs, and the risk of
 *      the prior for `distinct` pairs.
 *
 * Run with `npm run bench:search-quality` (builds first). Markdown report on stdout and in
 * bench/out/search-quality-<timestamp>.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { MigrationRunner } from '../libs/database/src/migrations/migration-runner';
import { analyzeMark, lookalikeKeys, searchKeys } from '../libs/trademarks/src/search/analyzer';
import { prepareQuery, rankCandidates, riskOf } from '../libs/trademarks/src/search/scoring.util';
import { candidateQueryOf, queryCandidatesWithStats } from '../libs/trademarks/src/search/trademark-search.repository';
import type { RiskLevel } from '../libs/trademarks/src/search/search.types';
import { gitRevision, intFromEnv, log, machineDescription, OUT_DIR, postgresVersion, prng, provideDatabase, ROOT, runMain } from './lib';

interface Pair {
  query: string;
  queryClasses: number[];
  prior: string;
  priorClasses: number[];
  label: 'similar' | 'distinct';
  kind: string;
}

const EVAL_FILE = join(ROOT, '..', 'shared', 'data', 'eval', 'tm-pairs-dev.tsv');

function readPairs(): Pair[] {
  const lines = readFileSync(EVAL_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.slice(1).map((line) => {
    const [query, qc, prior, pc, label, kind] = line.split('\t');
    const classes = (s: string) =>
      s
        .split(/[;,\s]+/)
        .filter(Boolean)
        .map(Number);
    return {
      query,
      queryClasses: classes(qc),
      prior,
      priorClasses: classes(pc),
      label: label as Pair['label'],
      kind,
    };
  });
}


const ONSETS = [
  'b',
  'br',
  'c',
  'cl',
  'cr',
  'd',
  'dr',
  'f',
  'fl',
  'g',
  'gr',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'pr',
  'qu',
  'r',
  's',
  'sk',
  'st',
  't',
  'tr',
  'v',
  'w',
  'z',
  'x',
  'ph',
  'ch',
  'sh',
  'th',
];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y', 'ee', 'oo'];
const CODAS = ['', '', '', 'n', 'r', 'x', 'l', 's', 'm', 'k', 'nt', 'st', 'ck', 'th'];
const WORDS = [
  'blue',
  'green',
  'red',
  'golden',
  'silver',
  'river',
  'stone',
  'peak',
  'harbor',
  'ocean',
  'forest',
  'sun',
  'moon',
  'star',
  'north',
  'summit',
  'bright',
  'swift',
  'true',
  'wild',
  'urban',
  'royal',
  'prime',
  'nova',
  'pure',
  'fresh',
  'smart',
  'happy',
  'lucky',
  'iron',
  'eagle',
  'fox',
  'wolf',
  'bear',
  'lion',
  'maple',
  'oak',
  'pine',
  'cedar',
  'rose',
  'lotus',
  'ember',
  'spark',
  'wave',
  'cloud',
  'sky',
  'field',
  'meadow',
];
const DESCRIPTIVE = [
  'foods',
  'labs',
  'studios',
  'organics',
  'systems',
  'coffee',
  'apparel',
  'wellness',
  'solutions',
  'pet supply',
  'brewing',
  'designs',
  'tech',
  'outfitters',
  'bakery',
  'cycles',
];
const SUFFIXES = ['inc', 'llc', 'corp', 'co', 'ltd', 'group', 'holdings'];

function coined(rand: () => number): string {
  const syllables = 2 + Math.floor(rand() * 2);
  let w = '';
  for (let s = 0; s < syllables; s++) {
    w += ONSETS[Math.floor(rand() * ONSETS.length)] + NUCLEI[Math.floor(rand() * NUCLEI.length)];
  }
  return w + CODAS[Math.floor(rand() * CODAS.length)];
}

function generatedMark(rand: () => number): string {
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const r = rand();
  let mark: string;
  if (r < 0.35) mark = coined(rand);
  else if (r < 0.55) mark = `${pick(WORDS)} ${pick(WORDS)}`;
  else if (r < 0.75) mark = `${coined(rand)} ${pick(DESCRIPTIVE)}`;
  else if (r < 0.9) mark = `${pick(WORDS)} ${coined(rand)}`;
  else mark = `${coined(rand)} ${pick(DESCRIPTIVE)} ${pick(SUFFIXES)}`;
  return mark.toUpperCase();
}

function randomClasses(rand: () => number): number[] {
  const n = 1 + Math.floor(rand() * 3);
  return [...new Set(Array.from({ length: n }, () => 1 + Math.floor(rand() * 45)))].sort((a, b) => a - b);
}

async function insertBatch(
  sequelize: Sequelize,
  rows: Array<{
    serial: string;
    mark: string;
    classes: number[];
    live: boolean;
  }>,
): Promise<void> {
  await sequelize
    .query(
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, lookalike_keys, live, status_code, classes, source)
     SELECT s, m, n, COALESCE(string_to_array(NULLIF(k, ''), ' '), '{}'), string_to_array(NULLIF(la, ''), ' '), l, CASE WHEN l THEN '700' ELSE '710' END,
            COALESCE(string_to_array(NULLIF(c, ''), ',')::int[], '{}'), 'bench'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[]) AS t(s, m, n, k, l, c, la)`,
      {
        bind: [
          rows.map((r) => r.serial),
          rows.map((r) => r.mark),
          rows.map((r) => analyzeMark(r.mark).normalized),
          rows.map((r) => searchKeys(analyzeMark(r.mark), r.mark).join(' ')),
          rows.map((r) => r.live),
          rows.map((r) => r.classes.join(',')),
          rows.map((r) => lookalikeKeys(analyzeMark(r.mark)).join(' ')),
        ],
      },
    )
    .catch((error: unknown) => {
      const original = (error as { original?: { message?: string } }).original;
      throw new Error(`inserting the registry: ${original?.message ?? String(error)}`);
    });
}

async function engineRanking(sequelize: Sequelize, pair: Pair): Promise<Array<{ serial: string; risk: RiskLevel; score: number }>> {
  const q = prepareQuery(pair.query, pair.queryClasses);
  return sequelize.transaction(async (transaction) => {
    const { candidates, keyRecords } = await queryCandidatesWithStats(
      sequelize,
      candidateQueryOf(q, q.classes, 'all'),
      transaction,
    );
    return rankCandidates({ ...q, keyRecords }, candidates, 100, 0).map((r) => ({
      serial: r.record.serialNumber,
      risk: r.risk,
      score: r.score,
    }));
  });
}

async function trigramRanking(sequelize: Sequelize, pair: Pair): Promise<string[]> {
  const rows = await sequelize.query<{ serial_number: string }>(
    'SELECT serial_number FROM trademark_records ORDER BY similarity(mark, $1) DESC, serial_number LIMIT 100',
    { bind: [pair.query], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.serial_number);
}

interface Metrics {
  at1: number;
  at10: number;
  mrr: number;
  n: number;
}

function metrics(ranks: Array<number | null>): Metrics {
  const n = ranks.length || 1;
  return {
    at1: ranks.filter((r) => r !== null && r <= 1).length / n,
    at10: ranks.filter((r) => r !== null && r <= 10).length / n,
    mrr: ranks.reduce<number>((sum, r) => sum + (r === null ? 0 : 1 / r), 0) / n,
    n: ranks.length,
  };
}

async function main(): Promise<void> {
  const total = intFromEnv('BENCH_RECORDS', 100_000, 1000);
  const db = await provideDatabase();
  const sequelize = new Sequelize(db.url, {
    dialect: 'postgres',
    logging: false,
    pool: { max: 2 },
  });
  try {
    log('migrating');
    await new MigrationRunner({ sequelize }).up();
    await sequelize.query("DELETE FROM trademark_records WHERE source IN ('bench', 'bench-eval')");

    const pairs = readPairs();
    const rand = prng(20261125);
    log(`generating ${total} marks`);
    const started = Date.now();
    for (let i = 0; i < total; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, total - i) }, (_, j) => ({
        serial: `B${String(i + j).padStart(8, '0')}`,
        mark: generatedMark(rand),
        classes: randomClasses(rand),
        live: rand() < 0.7,
      }));
      await insertBatch(sequelize, batch);
    }
    const priorSerial = new Map<string, string>();
    const priors: Array<{
      serial: string;
      mark: string;
      classes: number[];
      live: boolean;
    }> = [];
    for (const pair of pairs) {
      const key = `${pair.prior}|${pair.priorClasses.join(',')}`;
      if (!priorSerial.has(key)) {
        const serial = `E${String(priors.length).padStart(8, '0')}`;
        priorSerial.set(key, serial);
        priors.push({
          serial,
          mark: pair.prior,
          classes: pair.priorClasses,
          live: true,
        });
      }
    }
    await insertBatch(sequelize, priors);
    await sequelize.query("UPDATE trademark_records SET source = 'bench-eval' WHERE serial_number LIKE 'E%' AND source = 'bench'");
    await sequelize.query('ANALYZE trademark_records');
    log(`registry ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const engineRanks: Array<number | null> = [];
    const trigramRanks: Array<number | null> = [];
    const byKind = new Map<string, { engine: Array<number | null>; trigram: Array<number | null> }>();
    const distinctRisks: Array<{ pair: Pair; risk: RiskLevel }> = [];
    const misses: string[] = [];
    const timings: number[] = [];
    const calibration: Array<{ score: number; similar: boolean }> = [];
    for (const pair of pairs) {
      const serial = priorSerial.get(`${pair.prior}|${pair.priorClasses.join(',')}`) as string;
      const t0 = performance.now();
      const engine = await engineRanking(sequelize, pair);
      timings.push(performance.now() - t0);
      const engineIndex = engine.findIndex((r) => r.serial === serial);
      calibration.push({ score: engineIndex >= 0 ? engine[engineIndex].score : 0, similar: pair.label === 'similar' });
      if (pair.label === 'distinct') {
        distinctRisks.push({
          pair,
          risk: engineIndex >= 0 ? engine[engineIndex].risk : 'none',
        });
        continue;
      }
      const trigram = await trigramRanking(sequelize, pair);
      const trigramIndex = trigram.indexOf(serial);
      const er = engineIndex >= 0 ? engineIndex + 1 : null;
      const tr = trigramIndex >= 0 ? trigramIndex + 1 : null;
      engineRanks.push(er);
      trigramRanks.push(tr);
      const k = byKind.get(pair.kind) ?? { engine: [], trigram: [] };
      k.engine.push(er);
      k.trigram.push(tr);
      byKind.set(pair.kind, k);
      if (er === null || er > 10) misses.push(`${pair.query} -> ${pair.prior} (${pair.kind}): rank ${er ?? '>100'}`);
    }

    const e = metrics(engineRanks);
    const t = metrics(trigramRanks);
    const riskCounts = distinctRisks.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.risk]: (acc[d.risk] ?? 0) + 1 }), {});
    timings.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(3);
    const lines = [
      `## Search quality (${new Date().toISOString()})`,
      '',
      `- Revision ${gitRevision()}, ${machineDescription()}, PostgreSQL ${await postgresVersion(db.url)} (${db.source})`,
      `- Registry: ${total.toLocaleString('en-US')} generated marks + ${priors.length} prior marks of ${EVAL_FILE.replace(ROOT + '/', '')}`,
      `- ${e.n} similar pairs, ${distinctRisks.length} distinct pairs; engine = candidate SQL + scoring of the search service (direct, no HTTP)`,
      `- Engine time per query (candidates + scoring): p50 ${timings[Math.floor(timings.length / 2)].toFixed(1)} ms, max ${timings[timings.length - 1].toFixed(1)} ms`,
      '',
      '| ranking | recall@1 | recall@10 | MRR |',
      '|---|---|---|---|',
      `| Clearmark search | ${f(e.at1)} | ${f(e.at10)} | ${f(e.mrr)} |`,
      `| plain pg_trgm similarity(mark, query) | ${f(t.at1)} | ${f(t.at10)} | ${f(t.mrr)} |`,
      '',
      '| kind | n | engine recall@10 | trigram recall@10 |',
      '|---|---|---|---|',
      ...[...byKind.entries()].sort().map(([kind, v]) => `| ${kind} | ${v.engine.length} | ${f(metrics(v.engine).at10)} | ${f(metrics(v.trigram).at10)} |`),
      '',
      `Distinct pairs, risk given to the prior: ${['high', 'medium', 'low', 'none'].map((r) => `${r} ${riskCounts[r] ?? 0}`).join(', ')}`,
      '',
      'Reliability (every dev pair: the score the engine gives the prior; 0 when not among the candidates):',
      '',
      '| band | pairs | similar | distinct | share similar | mean score |',
      '|---|---|---|---|---|---|',
      ...(['high', 'medium', 'low', 'none'] as const).map((band) => {
        const inBand = calibration.filter((c) => riskOf(c.score) === band);
        const similar = inBand.filter((c) => c.similar).length;
        const mean = inBand.reduce((sum, c) => sum + c.score, 0) / (inBand.length || 1);
        return `| ${band} | ${inBand.length} | ${similar} | ${inBand.length - similar} | ${inBand.length ? f(similar / inBand.length) : '-'} | ${mean.toFixed(1)} |`;
      }),
      '',
      'Similar pairs missed from the top 10:',
      ...(misses.length ? misses.map((m) => `- ${m}`) : ['- none']),
      '',
    ];
    const report = lines.join('\n');
    process.stdout.write(report + '\n');
    mkdirSync(OUT_DIR, { recursive: true });
    const file = join(OUT_DIR, `search-quality-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
    writeFileSync(file, report);
    log(`report written to ${file}`);
  } finally {
    await sequelize.close();
  }
}

runMain(main);
