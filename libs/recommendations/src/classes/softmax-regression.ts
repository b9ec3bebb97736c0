import { prng } from '@app/common/util/prng';

/** One training example: sparse features (name -> value), its class index and its weight. */
export interface SoftmaxExample {
  features: Map<string, number>;
  classIndex: number;
  weight: number;
}

/**
 * A multinomial logistic regression: per class a bias, per feature the weights that matter, as
 * flat arrays (an artifact of few large arrays parses several times faster than one of many
 * small ones): feature `features[i]` has the pairs `entries[2j], entries[2j + 1]` (class index,
 * weight) for j from `start[i]` to `start[i + 1]`.
 */
export interface SoftmaxModel {
  bias: number[];
  features: string[];
  start: number[];
  entries: number[];
}

export interface SoftmaxOptions {
  epochs: number;
  /** The first epoch's step; epoch e takes learningRate / (1 + e). */
  learningRate: number;
  /** L2 penalty, applied to the weights of the features an example has. */
  l2: number;
  /** Weights smaller than this (absolute) are left out of the model: the artifact stays small. */
  prune: number;
  /** Seed of the order the examples are visited in. */
  seed: number;
}

export const SOFTMAX_DEFAULTS: SoftmaxOptions = { epochs: 12, learningRate: 0.2, l2: 1e-4, prune: 0.05, seed: 13 };

/**
 * Trains a multinomial logistic regression over `classes` classes by stochastic gradient descent
 * on the weighted cross-entropy. Deterministic: the examples are visited in an order shuffled by
 * a fixed seed for a fixed number of epochs, the weights are rounded to 4 digits and listed by
 * sorted feature name, so the same examples give the same model.
 */
export function trainSoftmax(examples: SoftmaxExample[], classes: number, options: SoftmaxOptions = SOFTMAX_DEFAULTS): SoftmaxModel {
  const names = [...new Set(examples.flatMap((e) => [...e.features.keys()]))].sort();
  const id = new Map(names.map((n, i) => [n, i]));
  const rows = examples.map((e) => {
    const entries = [...e.features.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    return { ids: Int32Array.from(entries, ([f]) => id.get(f)!), values: Float64Array.from(entries, ([, v]) => v), classIndex: e.classIndex, weight: e.weight };
  });
  const k = classes;
  const w = new Float64Array(names.length * k);
  const bias = new Float64Array(k);
  const p = new Float64Array(k);
  const random = prng(options.seed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rate = options.learningRate / (1 + epoch);
    for (const r of order) {
      const { ids, values, classIndex, weight } = rows[r]!;
      p.set(bias);
      for (let j = 0; j < ids.length; j++) {
        const base = ids[j]! * k;
        const v = values[j]!;
        for (let c = 0; c < k; c++) p[c]! += w[base + c]! * v;
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (p[c]! > max) max = p[c]!;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        p[c] = Math.exp(p[c]! - max);
        sum += p[c]!;
      }
      for (let c = 0; c < k; c++) p[c]! /= sum;
      // The gradient of the cross-entropy by the logits: p - y.
      p[classIndex]! -= 1;
      const step = rate * weight;
      for (let c = 0; c < k; c++) bias[c]! -= step * p[c]!;
      for (let j = 0; j < ids.length; j++) {
        const base = ids[j]! * k;
        const v = values[j]!;
        for (let c = 0; c < k; c++) w[base + c]! -= step * p[c]! * v + rate * options.l2 * w[base + c]!;
      }
    }
  }
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  const features: string[] = [];
  const start: number[] = [0];
  const entries: number[] = [];
  names.forEach((name, f) => {
    const before = entries.length;
    for (let c = 0; c < k; c++) {
      const value = round(w[f * k + c]!);
      if (Math.abs(value) >= options.prune) entries.push(c, value);
    }
    if (entries.length === before) return;
    features.push(name);
    start.push(entries.length / 2);
  });
  return { bias: Array.from(bias, round), features, start, entries };
}

/** A feature's `[class index, weight]` pairs in a model (none when it has no weight that matters). */
export function softmaxWeights(model: SoftmaxModel, feature: string): Array<[number, number]> {
  const i = model.features.indexOf(feature);
  if (i < 0) return [];
  const out: Array<[number, number]> = [];
  for (let j = model.start[i]!; j < model.start[i + 1]!; j++) out.push([model.entries[2 * j]!, model.entries[2 * j + 1]!]);
  return out;
}
