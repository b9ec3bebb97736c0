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
 *   5. Generated validation pairs (issue 14), printed beside the development figures with the
 *      same metrics: BENCH_VALIDATION_PRIORS (60) marks drawn from the generated registry, plus a
 *      fifth as many short coined marks (2 to 4 letters), with a fixed seed; positives are their
 *      perturbations of each kind a search must catch and negatives random and crowded-word marks
 *      (bench/search-pairs.ts, the generator the weights were fitted with, on another registry
 *      and seed). Each prior is stored as its own record in a class the query names; a result
 *      counts as the prior when its normalized mark is the prior's.
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
import { normalizeMark } from '../libs/trademarks/src/search/normalize';
import { coined as coinedWord, negativesOf, perturbations, type LabelledPair } from './search-pairs';
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
          rows.map((r) => searchKeys(analyzeMark(r.mark)).join(' ')),
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

async function engineRanking(sequelize: Sequelize, pair: Pair): Promise<Array<{ serial: string; mark: string; risk: RiskLevel; score: number }>> {
  const q = prepareQuery(pair.query, pair.queryClasses);
  return sequelize.transaction(async (transaction) => {
    const { candidates, keyRecords } = await queryCandidatesWithStats(
      sequelize,
      candidateQueryOf(q, q.classes, 'all'),
      transaction,
    );
    return rankCandidates({ ...q, keyRecords }, candidates, 100, 0).map((r) => ({
      serial: r.record.serialNumber,
      mark: r.record.mark ?? '',
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

interface ValidationRun {
  ranks: Array<number | null>;
  byKind: Map<string, Array<number | null>>;
  negatives: Array<{ pair: LabelledPair; risk: RiskLevel }>;
  calibration: Array<{ score: number; similar: boolean }>;
  misses: string[];
}

const VALIDATION_SEED = 2026_1205;

/**
 * The generated validation pairs and their priors (see the header, step 5): deterministic for the
 * registry's marks. Priors are drawn without repeats of a normalized mark.
 */
function validationPairs(registry: readonly string[], count: number): { pairs: LabelledPair[]; priors: string[] } {
  const rand = prng(VALIDATION_SEED);
  const chosen = new Map<string, string>();
  while (chosen.size < count) {
    const mark = registry[Math.floor(rand() * registry.length)];
    chosen.set(normalizeMark(mark), mark);
  }
  const short = Math.ceil(count / 5);
  for (let i = 0; chosen.size < count + short && i < short * 20; i++) {
    const mark = coinedWord(rand, 1).slice(0, 2 + Math.floor(rand() * 3)).toUpperCase();
    if (mark.length >= 2) chosen.set(normalizeMark(mark), mark);
  }
  const pairs: LabelledPair[] = [];
  for (const prior of chosen.values()) pairs.push(...perturbations(prior, rand), ...negativesOf(prior, registry, rand));
  return { pairs, priors: [...new Set(pairs.map((p) => p.prior))] };
}

async function runValidation(sequelize: Sequelize, registry: readonly string[], count: number): Promise<ValidationRun> {
  const { pairs, priors } = validationPairs(registry, count);
  const rand = prng(VALIDATION_SEED + 1);
  const priorClasses = new Map<string, number[]>();
  const records = priors.map((mark, i) => {
    const classes = randomClasses(rand);
    priorClasses.set(mark, classes);
    return { serial: `V${String(i).padStart(8, '0')}`, mark, classes, live: true };
  });
  await insertBatch(sequelize, records);
  await sequelize.query("UPDATE trademark_records SET source = 'bench-eval' WHERE serial_number LIKE 'V%' AND source = 'bench'");
  await sequelize.query('ANALYZE trademark_records');
  const run: ValidationRun = { ranks: [], byKind: new Map(), negatives: [], calibration: [], misses: [] };
  for (const pair of pairs) {
    const classes = priorClasses.get(pair.prior) ?? [];
    const target = normalizeMark(pair.prior);
    const engine = await engineRanking(sequelize, { query: pair.query, queryClasses: classes, prior: pair.prior, priorClasses: classes, label: pair.label ? 'similar' : 'distinct', kind: pair.kind });
    const index = engine.findIndex((r) => normalizeMark(r.mark) === target);
    run.calibration.push({ score: index >= 0 ? engine[index].score : 0, similar: pair.label === 1 });
    if (pair.label === 0) {
      run.negatives.push({ pair, risk: index >= 0 ? engine[index].risk : 'none' });
      continue;
    }
    const rank = index >= 0 ? index + 1 : null;
    run.ranks.push(rank);
    run.byKind.set(pair.kind, [...(run.byKind.get(pair.kind) ?? []), rank]);
    if (rank === null || rank > 10) run.misses.push(`${pair.query} -> ${pair.prior} (${pair.kind}): rank ${rank ?? '>100'}`);
  }
  return run;
}

function reliabilityRows(calibration: ReadonlyArray<{ score: number; similar: boolean }>): string[] {
  const f = (n: number) => n.toFixed(3);
  return [
    '| band | pairs | similar | distinct | share similar | mean score |',
    '|---|---|---|---|---|---|',
    ...(['high', 'medium', 'low', 'none'] as const).map((band) => {
      const inBand = calibration.filter((c) => riskOf(c.score) === band);
      const similar = inBand.filter((c) => c.similar).length;
      const mean = inBand.reduce((sum, c) => sum + c.score, 0) / (inBand.length || 1);
      return `| ${band} | ${inBand.length} | ${similar} | ${inBand.length - similar} | ${inBand.length ? f(similar / inBand.length) : '-'} | ${mean.toFixed(1)} |`;
    }),
  ];
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

function validationReport(v: ValidationRun, dev: Metrics): string[] {
  const f = (n: number) => n.toFixed(3);
  const m = metrics(v.ranks);
  const risks = v.negatives.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.risk]: (acc[d.risk] ?? 0) + 1 }), {});
  const high = v.negatives.filter((n) => n.risk === 'high');
  return [
    `### Generated validation pairs (seed ${VALIDATION_SEED}): ${m.n} positive, ${v.negatives.length} negative`,
    '',
    '| pairs | recall@1 | recall@10 | MRR |',
    '|---|---|---|---|',
    `| development (similar) | ${f(dev.at1)} | ${f(dev.at10)} | ${f(dev.mrr)} |`,
    `| generated validation (positive) | ${f(m.at1)} | ${f(m.at10)} | ${f(m.mrr)} |`,
    '',
    '| kind | n | recall@1 | recall@10 |',
    '|---|---|---|---|',
    ...[...v.byKind.entries()].sort().map(([kind, ranks]) => `| ${kind} | ${ranks.length} | ${f(metrics(ranks).at1)} | ${f(metrics(ranks).at10)} |`),
    '',
    `Negative pairs, risk given to the prior: ${['high', 'medium', 'low', 'none'].map((r) => `${r} ${risks[r] ?? 0}`).join(', ')}` +
      (high.length ? ` (high: ${high.map((n) => `${n.pair.query} -> ${n.pair.prior} (${n.pair.kind})`).join('; ')})` : ''),
    '',
    'Reliability (every validation pair):',
    '',
    ...reliabilityRows(v.calibration),
    '',
    `Positive pairs missed from the top 10 (${v.misses.length}):`,
    ...(v.misses.length ? v.misses.slice(0, 30).map((x) => `- ${x}`) : ['- none']),
    '',
  ];
}

async function main(): Promise<void> {
  const total = intFromEnv('BENCH_RECORDS', 100_000, 1000);
  const validationPriors = intFromEnv('BENCH_VALIDATION_PRIORS', 60, 0);
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
    const registryMarks: string[] = [];

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
      for (const row of batch) registryMarks.push(row.mark);
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

    log(`generated validation pairs (${validationPriors} registry marks + short marks)`);
    const validation = validationPriors > 0 ? await runValidation(sequelize, registryMarks, validationPriors) : null;

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
      ...reliabilityRows(calibration),
      '',
      'Similar pairs missed from the top 10:',
      ...(misses.length ? misses.map((m) => `- ${m}`) : ['- none']),
      '',
      ...(validation ? validationReport(validation, e) : []),
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
