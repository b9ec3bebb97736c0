import type { ClassModel, NiceClassInfo } from './model';
import { clauses, contentLemmas, features } from './text';

export interface ClassScore {
  class: number;
  /** Combined score in [0, 1] before calibration. */
  score: number;
  /** Calibrated probability that the class is one the description belongs in. */
  confidence: number;
  /** The official terms (or heading items) that matched best, best first. */
  matchedTerms: string[];
  /** The description's words that matched them. */
  matchedWords: string[];
}

const K1 = 1.2;
const B = 0.75;
/** How the two components mix: BM25 evidence of the best-matching terms, and the naive Bayes posterior. */
const RETRIEVAL_SHARE = 0.6;
/** A class whose "does not include" note a clause fully contains keeps this share of its score. */
const EXCLUDE_FACTOR = 0.5;

/**
 * Scores the 45 classes for a description with a trained model: every clause and the whole
 * description are scored on their own (BM25 over the official terms with WordNet-expanded
 * description words, plus naive Bayes over the class texts), and each class keeps its best.
 */
export class NiceClassifier {
  /**
   * Per feature: its IDF and its slice of the posting arrays (the docs that have it, with their
   * BM25 term-frequency part). Flat typed arrays: the model loads with little garbage.
   */
  private readonly postings = new Map<string, { idf: number; start: number; end: number }>();
  private readonly postingDocs: Int32Array;
  private readonly postingTf: Float64Array;
  /** The lemmas of each doc that coverage counts: no bigrams, heads or prefixes, no generic `service`. */
  private readonly docLemmas: string[][];
  private readonly docClass: Int32Array;
  /** Naive Bayes log-likelihoods, one row of one value per class per feature (the unseen floor filled in). */
  private readonly likelihoodRow = new Map<string, number>();
  private readonly likelihood: Float64Array;
  /** Scratch space of one scoring (reset after each): BM25 score per doc. */
  private readonly docScores: Float64Array;

  constructor(readonly model: ClassModel) {
    const { docs, idf, avgDocLength } = model;
    const k = model.classes.length;
    const classIndex = new Map(model.classes.map((c, i) => [c.class, i]));
    // A doc's features are distinct (model.ts): two passes, the list sizes, then the lists.
    const sizes = new Map<string, number>();
    let total = 0;
    for (const d of docs) {
      for (const f of d.features) {
        if (!Object.hasOwn(idf, f)) continue;
        sizes.set(f, (sizes.get(f) ?? 0) + 1);
        total++;
      }
    }
    let offset = 0;
    const next = new Map<string, number>();
    for (const [f, size] of sizes) {
      this.postings.set(f, { idf: idf[f]!, start: offset, end: offset + size });
      next.set(f, offset);
      offset += size;
    }
    this.postingDocs = new Int32Array(total);
    this.postingTf = new Float64Array(total);
    docs.forEach((d, i) => {
      const tf = (K1 + 1) / (1 + K1 * (1 - B + (B * d.features.length) / avgDocLength));
      for (const f of d.features) {
        const at = next.get(f);
        if (at === undefined) continue;
        this.postingDocs[at] = i;
        this.postingTf[at] = tf;
        next.set(f, at + 1);
      }
    });
    this.docLemmas = docs.map((d) => d.features.filter((f) => f.charCodeAt(1) !== 58 /* not b:, h:, p: */ && f !== 'service'));
    this.docClass = Int32Array.from(docs, (d) => classIndex.get(d.class)!);
    this.docScores = new Float64Array(docs.length);
    const features = Object.keys(model.logLikelihood);
    this.likelihood = new Float64Array(features.length * k);
    features.forEach((f, row) => {
      const base = row * k;
      this.likelihood.set(model.unseen, base);
      for (const [cls, value] of model.logLikelihood[f]!) this.likelihood[base + classIndex.get(cls)!] = value;
      this.likelihoodRow.set(f, base);
    });
  }

  get classes(): NiceClassInfo[] {
    return this.model.classes;
  }

  /** All classes with a score, best first. */
  rank(description: string): ClassScore[] {
    const parts = clauses(description);
    const texts = parts.length > 1 ? [description, ...parts] : [description];
    const best = new Map<number, { score: number; terms: string[]; words: string[] }>();
    for (const text of texts) {
      for (const [cls, s] of this.scoreText(text)) {
        const prev = best.get(cls);
        if (!prev || s.score > prev.score) best.set(cls, s);
      }
    }
    return this.model.classes
      .map((c) => {
        const s = best.get(c.class) ?? { score: 0, terms: [], words: [] };
        return { class: c.class, score: s.score, confidence: this.calibrate(s.score), matchedTerms: s.terms, matchedWords: s.words };
      })
      .sort((x, y) => y.score - x.score || x.class - y.class);
  }

  /** Platt scaling: 1 / (1 + e^-(a·score + b)). */
  calibrate(score: number): number {
    const { a, b } = this.model.calibration;
    return 1 / (1 + Math.exp(-(a * score + b)));
  }

  private scoreText(text: string): Map<number, { score: number; terms: string[]; words: string[] }> {
    const query = features(text, true, (l) => this.postings.has(l));
    const { docs, classes } = this.model;
    const k = classes.length;
    // BM25 of each term against the weighted query features.
    const scores = this.docScores;
    const touched: number[] = [];
    for (const [f, weight] of query) {
      const posting = this.postings.get(f);
      if (!posting) continue;
      const w = weight * posting.idf;
      for (let i = posting.start; i < posting.end; i++) {
        const doc = this.postingDocs[i]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += w * this.postingTf[i]!;
      }
    }
    // Coverage: a term all of whose words the text has (`knife sharpening`) is what the text
    // describes; one it shares a word with (`knife steels`) only may be. Each term's BM25 score
    // is scaled by the share of its lemmas the text has, itself or through an expansion. Each
    // class keeps its three best terms.
    const top = Array.from({ length: k }, () => [] as Array<[number, number]>);
    for (const doc of touched) {
      let s = scores[doc]!;
      scores[doc] = 0;
      const lemmas = this.docLemmas[doc]!;
      if (lemmas.length > 0) {
        let covered = 0;
        for (const l of lemmas) if (query.has(l)) covered++;
        s = (s * covered) / lemmas.length;
      }
      if (s <= 0) continue;
      const list = top[this.docClass[doc]!]!;
      if (list.length === 3 && (s < list[2]![1] || (s === list[2]![1] && doc > list[2]![0]))) continue;
      list.push([doc, s]);
      list.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
      if (list.length > 3) list.pop();
    }
    const retrieval = top.map((list) => (list[0]?.[1] ?? 0) + 0.3 * (list[1]?.[1] ?? 0) + 0.1 * (list[2]?.[1] ?? 0));
    const maxRetrieval = Math.max(0, ...retrieval);

    // Naive Bayes posterior over the classes (uniform prior: the list's class sizes are no prior).
    const logPost = new Float64Array(k);
    let seen = 0;
    for (const [f, weight] of query) {
      const base = this.likelihoodRow.get(f);
      if (base === undefined) continue;
      seen++;
      for (let i = 0; i < k; i++) logPost[i]! += weight * this.likelihood[base + i]!;
    }
    const maxLog = Math.max(...logPost);
    const exp = Array.from(logPost, (l) => Math.exp(l - maxLog));
    const sum = exp.reduce((a, b) => a + b, 0);

    const lemmas = new Set(contentLemmas(text));
    const excluded = new Set(this.model.excludes.filter((e) => e.lemmas.every((l) => lemmas.has(l))).map((e) => e.class));
    const out = new Map<number, { score: number; terms: string[]; words: string[] }>();
    classes.forEach((c, i) => {
      const nb = seen > 0 ? exp[i]! / sum : 0;
      let score = RETRIEVAL_SHARE * (maxRetrieval > 0 ? retrieval[i]! / maxRetrieval : 0) * Math.min(1, maxRetrieval / 8) + (1 - RETRIEVAL_SHARE) * nb;
      if (excluded.has(c.class)) score *= EXCLUDE_FACTOR;
      const best = top[i]!;
      out.set(c.class, {
        score,
        terms: best.map(([doc]) => docs[doc]!.text),
        // The description's own words (not bigrams, heads or expansions) that the terms share.
        words: [...new Set(best.flatMap(([doc]) => docs[doc]!.features.filter((f) => query.get(f) === 1 && !/^[bhp]:/.test(f))))],
      });
    });
    return out;
  }
}

/**
 * The plain BM25 ranking the recommender is measured against: the same terms, raw words (no
 * lemmas, no expansion, no clauses), each class ranked by its best-matching term.
 */
export class PlainBm25Ranker {
  private readonly docs: Array<{ class: number; words: string[] }>;
  private readonly df = new Map<string, number>();
  private readonly avg: number;

  constructor(terms: Array<{ class: number; text: string }>) {
    this.docs = terms.map((t) => ({ class: t.class, words: t.text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean) }));
    let total = 0;
    for (const d of this.docs) {
      total += d.words.length;
      for (const w of new Set(d.words)) this.df.set(w, (this.df.get(w) ?? 0) + 1);
    }
    this.avg = total / this.docs.length;
  }

  rank(description: string): number[] {
    const query = new Set(description.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
    const n = this.docs.length;
    const best = new Map<number, number>();
    for (const d of this.docs) {
      let s = 0;
      for (const w of query) {
        const tf = d.words.filter((x) => x === w).length;
        if (tf === 0) continue;
        const df = this.df.get(w) ?? 0;
        s += Math.log(1 + (n - df + 0.5) / (df + 0.5)) * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.words.length) / this.avg)));
      }
      if (s > (best.get(d.class) ?? 0)) best.set(d.class, s);
    }
    return [...best.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  }
}
