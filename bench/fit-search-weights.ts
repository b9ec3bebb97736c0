/**
 * Fits the search's weights (libs/trademarks/src/search/weights.ts) by logistic regression on
 * labelled pairs generated from a registry, never from the development pairs (which stay for
 * validation in bench/search-quality.ts):
 * - a deterministic registry of FIT_RECORDS marks (coined words, dictionary-word pairs, coined +
 *   descriptive word), whose key counts give each word's distinctiveness as trademark_key_stats would;
 * - positives: perturbations of registry marks of each kind a clearance search must catch (one
 *   letter changed, short marks one letter apart, sound-alike respelling, an added word, words
 *   reordered, plural, compound vs split with a varied suffix, numerals inside words and
 *   letter/number swaps, initials also when the longer mark adds a word, an article in front,
 *   a foreign equivalent or synonym), in the same or a related class (unrelated: negative;
 *   identical marks on unrelated goods: positive 30% of the time; no class given: 75%; a dead
 *   prior record: 50%);
 * - negatives: random registry pairs, pairs that share only one crowded word, coined words that
 *   share their first half only, short marks two letters apart.
 * The logistic model is fitted on the pairs of a live prior record by Newton's method (IRLS) with a
 * small L2 penalty; then the share of the risk a dead prior record keeps (deadFactor) by maximum
 * likelihood on the pairs of a dead one, p = deadFactor x the model's probability (the status
 * thins the positives whatever their features, which a logit step cannot represent: it gave an
 * identical dead record 14 without classes and 68 in the same class, for a generator that keeps
 * half of the risk of each). Run: `FIT_RECORDS=30000 npm run fit:search-weights`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeMark, searchKeys } from '../libs/trademarks/src/search/analyzer';
import { FEATURE_NAMES, pairFeatures } from '../libs/trademarks/src/search/features';
import type { ClassRelation } from '../libs/trademarks/src/search/class-relations.util';
import { distinctivenessIn } from '../libs/trademarks/src/search/scoring.util';
import { generatedMark, perturbations, negativesOf, type LabelledPair } from './search-pairs';
import { intFromEnv, log, prng, ROOT, runMain } from './lib';

function relationFor(rand: () => number, positive: boolean): { relation: ClassRelation; label: number } {
  const r = rand();
  if (!positive) return { relation: r < 0.5 ? 'same' : r < 0.7 ? 'related' : r < 0.85 ? 'unrelated' : 'unknown', label: 0 };
  if (r < 0.5) return { relation: 'same', label: 1 };
  if (r < 0.7) return { relation: 'related', label: 1 };
  if (r < 0.85) return { relation: 'unrelated', label: 0 };
  return { relation: 'unknown', label: rand() < 0.75 ? 1 : 0 };
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * The factor s in [0, 1] that maximizes the likelihood of labels drawn as Bernoulli(s x p), given
 * each pair's probability p (bisection on the derivative, which falls as s grows).
 */
export function fitFactor(p: readonly number[], y: readonly number[]): number {
  const slope = (s: number) => p.reduce((sum, pi, i) => sum + (y[i] === 1 ? 1 / s : -pi / Math.max(1 - s * pi, 1e-9)), 0);
  let lo = 1e-6;
  let hi = 1;
  if (slope(hi) >= 0) return 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function fitLogistic(x: number[][], y: number[], l2 = 1, iterations = 25): number[] {
  const d = x[0].length;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    const g = new Array<number>(d).fill(0);
    for (let i = 0; i < x.length; i++) {
      const z = x[i].reduce((s, v, k) => s + v * w[k], 0);
      const p = 1 / (1 + Math.exp(-z));
      const s = Math.max(p * (1 - p), 1e-6);
      for (let a = 0; a < d; a++) {
        g[a] += (p - y[i]) * x[i][a];
        for (let b = 0; b < d; b++) h[a][b] += s * x[i][a] * x[i][b];
      }
    }
    for (let a = 1; a < d; a++) {
      g[a] += l2 * w[a];
      h[a][a] += l2;
    }
    const step = solve(h, g);
    w = w.map((v, k) => v - step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return w;
}

async function main(): Promise<void> {
  const total = intFromEnv('FIT_RECORDS', 50_000, 1000);
  const rand = prng(7_2026_1202);
  log(`generating ${total} registry marks`);
  const registry = Array.from({ length: total }, () => generatedMark(rand));
  const keyRecords = new Map<string, number>();
  for (const mark of registry) for (const key of searchKeys(analyzeMark(mark))) keyRecords.set(key, (keyRecords.get(key) ?? 0) + 1);
  const pairs: LabelledPair[] = [];
  for (let i = 0; i < 6000; i++) {
    const prior = registry[Math.floor(rand() * registry.length)];
    for (const p of perturbations(prior, rand)) pairs.push(p);
    for (const n of negativesOf(prior, registry, rand)) pairs.push(n);
  }
  const x: number[][] = [];
  const y: number[] = [];
  const dead: Array<{ row: number[]; label: number }> = [];
  for (const pair of pairs) {
    const { relation, label } = relationFor(rand, pair.label === 1);
    const live = rand() < 0.85;
    let finalLabel = label;
    if (pair.label === 1 && relation === 'unrelated' && pair.kind === 'identical') finalLabel = rand() < 0.3 ? 1 : 0;
    if (finalLabel === 1 && !live) finalLabel = rand() < 0.5 ? 1 : 0;
    const query = analyzeMark(pair.query);
    const asked = new Set(searchKeys(query));
    const features = pairFeatures(query, analyzeMark(pair.prior), {
      relation,
      live,
      distinctiveness: distinctivenessIn(keyRecords, asked),
    });
    const row = [1, ...FEATURE_NAMES.map((n) => features.values[n])];
    if (live) {
      x.push(row);
      y.push(finalLabel);
    } else dead.push({ row, label: finalLabel });
  }
  log(`fitting on ${x.length} pairs of a live prior (${y.filter((v) => v === 1).length} positive), ${dead.length} of a dead one`);
  const w = fitLogistic(x, y);
  const modelP = (row: number[]) => 1 / (1 + Math.exp(-row.reduce((s, v, k) => s + v * w[k], 0)));
  const deadP = dead.map((d) => modelP(d.row));
  const deadFactor = fitFactor(deadP, dead.map((d) => d.label));
  let loss = 0;
  const add = (p: number, label: number) => {
    loss -= label * Math.log(Math.max(p, 1e-9)) + (1 - label) * Math.log(Math.max(1 - p, 1e-9));
  };
  for (let i = 0; i < x.length; i++) add(modelP(x[i]), y[i]);
  for (let i = 0; i < dead.length; i++) add(deadFactor * deadP[i], dead[i].label);
  const n = x.length + dead.length;
  const f = (n: number) => n.toFixed(3);
  const file = `/**
 * The learned weights of the search's logistic model (probability = 1 / (1 + e^-(bias + sum of
 * weight x feature)), features in features.ts). WRITTEN BY \`npm run fit:search-weights\`
 * (bench/fit-search-weights.ts, \`FIT_RECORDS=${total}\`): fitted on ${n} pairs generated from a
 * ${total}-mark registry (perturbations of each miss kind as positives; random, crowded-word-only,
 * same-prefix and short-two-letters-apart pairs as negatives), never on the
 * development pairs. The logistic model on the ${x.length} pairs of a live prior record; deadFactor,
 * the share of that probability a dead prior record keeps, on the other ${dead.length}. Mean log
 * loss ${f(loss / n)}. Do not edit by hand: change the generator or the features and re-fit.
 */
import type { FeatureName } from './features';

export const SEARCH_WEIGHTS: { bias: number; weights: Record<FeatureName, number>; deadFactor: number } = {
  bias: ${f(w[0])},
  weights: {
${FEATURE_NAMES.map((n, i) => `    ${n}: ${f(w[i + 1])},`).join('\n')}
  },
  deadFactor: ${f(deadFactor)},
};
`;
  writeFileSync(join(ROOT, 'libs', 'trademarks', 'src', 'search', 'weights.ts'), file);
  process.stdout.write(file);
}

runMain(main);
