import { createHash } from 'node:crypto';
import { contentLemmas, features, FEATURES_VERSION, heads, hyphenPieces } from './text';
import { trainSoftmax, type SoftmaxModel } from './softmax-regression';

/** One labelled document of the training data: an official term, a heading item or a class note. */
export interface TrainingDoc {
  class: number;
  text: string;
  /** `term` (alphabetical list), `heading`, `includes` (positive) or `excludes` (negative evidence). */
  source: 'term' | 'heading' | 'includes' | 'excludes';
  /** A `term`'s WIPO basic number with its class (`37-0123`): an indication and its synonyms share it. */
  basicNumber?: string;
}

export interface NiceClassInfo {
  class: number;
  kind: 'good' | 'service';
  heading: string;
}

/**
 * The trained artifact: everything the classifier needs at run time, plain JSON. Its version is
 * the SHA-256 of its content (without the version), so the same data gives the same version.
 */
export interface ClassModel {
  modelVersion: string;
  /** The feature extraction the model was trained with (text.ts FEATURES_VERSION). */
  featuresVersion: number;
  classes: NiceClassInfo[];
  /**
   * BM25 index over the terms, heading items and the explanatory notes' "includes" items (all
   * official evidence of a class): their text, class and feature lists (`pieces`: lemmas coverage leaves out).
   */
  docs: Array<{ class: number; text: string; features: string[]; pieces?: string[] }>;
  avgDocLength: number;
  /** Inverse document frequency of each feature over the docs. */
  idf: Record<string, number>;
  /** Naive Bayes: log P(feature | class) for features seen with the class, and the class's unseen floor. */
  logLikelihood: Record<string, Array<[number, number]>>;
  unseen: number[];
  /** The "does not include" notes of each class, as lemma lists (all present in a clause: evidence against). */
  excludes: Array<{ class: number; lemmas: string[] }>;
  /**
   * The kind a head noun names in the official data: a head (heads() of a doc, its first) of at
   * least HEAD_KIND_MIN_DOCS positive docs, at least HEAD_KIND_SHARE of them of one kind (`rental`,
   * `installation`: services; `machine`, `preparation`: goods). Heads of mixed kinds are left out.
   */
  headKinds: Record<string, NiceClassInfo['kind']>;
  /**
   * A multinomial logistic regression (trainLinear) over the features a description gets (text.ts
   * `features` with the WordNet expansions): its class indices are those of `classes`.
   */
  linear: SoftmaxModel;
  /**
   * Logistic calibration of a suggestion into the probability that its class is right:
   * 1 / (1 + e^-(a·score + relative·score/topScore + b)), `topScore` the first suggestion's score.
   * Fitted on the held-out splits of the official data (training-data.ts), never on the dev set.
   */
  calibration: Calibration;
}

export interface Calibration {
  a: number;
  relative: number;
  b: number;
  /**
   * The probability that a class is one of a description's before any evidence: the mean number
   * of classes of the calibration rows over the number of classes. A suggestion whose calibrated
   * confidence is below it has no real support (the description made the class less likely, not
   * more), so the API leaves it out (classifier.ts `selectSuggestions`).
   */
  prior: number;
}

const SOURCE_WEIGHT: Record<TrainingDoc['source'], number> = { term: 1, heading: 2, includes: 1, excludes: 0 };

/** A head names a kind (model.ts headKinds) when at least this many docs have it... */
export const HEAD_KIND_MIN_DOCS = 10;
/** ...and at least this share of them are of one kind. */
export const HEAD_KIND_SHARE = 0.9;

/** The heads of the positive docs that name one kind of class (ClassModel.headKinds), sorted. */
export function headKindsOf(classes: NiceClassInfo[], positives: TrainingDoc[]): Record<string, NiceClassInfo['kind']> {
  const kind = new Map(classes.map((c) => [c.class, c.kind]));
  const counts = new Map<string, { service: number; all: number }>();
  for (const d of positives) {
    const head = heads(d.text)[0];
    if (head === undefined) continue;
    const c = counts.get(head) ?? { service: 0, all: 0 };
    c.all++;
    if (kind.get(d.class) === 'service') c.service++;
    counts.set(head, c);
  }
  const out: Record<string, NiceClassInfo['kind']> = {};
  for (const [head, c] of [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (c.all < HEAD_KIND_MIN_DOCS) continue;
    if (c.service >= HEAD_KIND_SHARE * c.all) out[head] = 'service';
    else if (c.all - c.service >= HEAD_KIND_SHARE * c.all) out[head] = 'good';
  }
  return out;
}

/** Trains the model from the classification data: deterministic (no randomness, sorted output). */
export function trainClassModel(classes: NiceClassInfo[], data: TrainingDoc[], calibration: Calibration = { a: 5, relative: 6, b: -9, prior: 0 }): ClassModel {
  const positives = data.filter((d) => d.source !== 'excludes');
  // The BM25 index takes lemmas and bigrams of every positive document (terms, heading items and
  // "includes" items); prefix stems (`p:servi`) are shared by too many terms to rank them (and
  // would cost a long posting list at every query): naive Bayes takes them.
  const docs = positives
    .map((d) => {
      const pieces = hyphenPieces(d.text);
      return { class: d.class, text: d.text, features: [...features(d.text, false).keys()].filter((f) => !f.startsWith('p:')), ...(pieces.length > 0 ? { pieces } : {}) };
    })
    .filter((d) => d.features.length > 0);
  const df = new Map<string, number>();
  let totalLength = 0;
  for (const d of docs) {
    totalLength += d.features.length;
    for (const f of new Set(d.features)) df.set(f, (df.get(f) ?? 0) + 1);
  }
  const n = docs.length;
  const idf: Record<string, number> = {};
  for (const [f, count] of [...df.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    idf[f] = Math.log(1 + (n - count + 0.5) / (count + 0.5));
  }

  // Multinomial naive Bayes over lemma features of every positive document, Laplace smoothing.
  const counts = new Map<number, Map<string, number>>();
  const totals = new Map<number, number>();
  const vocabulary = new Set<string>();
  for (const d of positives) {
    const byClass = counts.get(d.class) ?? new Map<string, number>();
    counts.set(d.class, byClass);
    for (const f of features(d.text, false).keys()) {
      // Bigrams and heads are the BM25 index's: they would count a term's words twice here.
      if (f.startsWith('b:') || f.startsWith('h:')) continue;
      const w = SOURCE_WEIGHT[d.source];
      byClass.set(f, (byClass.get(f) ?? 0) + w);
      totals.set(d.class, (totals.get(d.class) ?? 0) + w);
      vocabulary.add(f);
    }
  }
  const alpha = 0.1;
  const v = vocabulary.size;
  const unseen = classes.map((c) => Math.log(alpha / ((totals.get(c.class) ?? 0) + alpha * v)));
  const logLikelihood: Record<string, Array<[number, number]>> = {};
  for (const f of [...vocabulary].sort()) {
    const row: Array<[number, number]> = [];
    for (const c of classes) {
      const count = counts.get(c.class)?.get(f);
      if (count) row.push([c.class, Math.log((count + alpha) / ((totals.get(c.class) ?? 0) + alpha * v))]);
    }
    logLikelihood[f] = row;
  }

  const excludes = data
    .filter((d) => d.source === 'excludes')
    .map((d) => ({ class: d.class, lemmas: [...new Set(contentLemmas(d.text))] }))
    .filter((e) => e.lemmas.length > 0);

  const headKinds = headKindsOf(classes, positives);
  const linear = trainLinear(classes, positives);
  const body = { featuresVersion: FEATURES_VERSION, classes, docs, avgDocLength: totalLength / Math.max(1, n), idf, logLikelihood, unseen, excludes, headKinds, linear, calibration };
  return { modelVersion: modelVersionOf(body), ...body };
}

/**
 * The linear component: a softmax regression from each positive doc (term, heading item,
 * "includes" item), read as a description is read (its features with their WordNet expansions,
 * so that a hypernym a description reaches is weighed by the classes whose texts reach it; naive
 * Bayes and BM25 see only the docs' own words), to its class, each doc at its source weight.
 * Deterministic (softmax-regression.ts).
 */
export function trainLinear(classes: NiceClassInfo[], positives: TrainingDoc[]): SoftmaxModel {
  const index = new Map(classes.map((c, i) => [c.class, i]));
  const examples = positives
    .map((d) => ({ features: features(d.text, true), classIndex: index.get(d.class)!, weight: SOURCE_WEIGHT[d.source] }))
    .filter((e) => e.features.size > 0 && e.weight > 0);
  return trainSoftmax(examples, classes.length);
}

/** `ncl12-2024.<first 12 hex of the SHA-256 of the artifact's content>`. */
export function modelVersionOf(body: Omit<ClassModel, 'modelVersion'>): string {
  return `ncl12-2024.${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
}
