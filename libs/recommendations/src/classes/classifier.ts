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
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly classIndex = new Map<number, number>();
  /** The lemmas of each doc that coverage counts: no bigrams, heads or prefixes, no generic `service`. */
  private readonly docLemmas: string[][];

  constructor(readonly model: ClassModel) {
    model.docs.forEach((d, i) => {
      const tf = new Map<string, number>();
      for (const f of d.features) tf.set(f, (tf.get(f) ?? 0) + 1);
      for (const [f, count] of tf) {
        const list = this.postings.get(f) ?? [];
        list.push([i, count]);
        this.postings.set(f, list);
      }
    });
    model.classes.forEach((c, i) => this.classIndex.set(c.class, i));
    this.docLemmas = model.docs.map((d) => d.features.filter((f) => !/^[bhp]:/.test(f) && f !== 'service'));
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
    const query = features(text, true, (l) => Object.hasOwn(this.model.idf, l));
    const { docs, idf, avgDocLength } = this.model;
    // BM25 of each term against the weighted query features.
    const docScores = new Map<number, number>();
    const docWords = new Map<number, string[]>();
    for (const [f, weight] of query) {
      const list = this.postings.get(f);
      if (!list || !Object.hasOwn(idf, f)) continue;
      const w = idf[f]!;
      for (const [doc, tf] of list) {
        const length = docs[doc]!.features.length;
        const s = weight * w * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avgDocLength)));
        docScores.set(doc, (docScores.get(doc) ?? 0) + s);
        if (weight === 1 && !f.startsWith('b:')) {
          const words = docWords.get(doc) ?? [];
          words.push(f);
          docWords.set(doc, words);
        }
      }
    }
    // Coverage: a term all of whose words the text has (`knife sharpening`) is what the text
    // describes; one it shares a word with (`knife steels`) only may be. Each term's BM25 score
    // is scaled by the share of its lemmas the text has, itself or through an expansion.
    for (const [doc, s] of docScores) {
      const lemmas = this.docLemmas[doc]!;
      if (lemmas.length === 0) continue;
      let covered = 0;
      for (const l of lemmas) if (query.has(l)) covered++;
      docScores.set(doc, (s * covered) / lemmas.length);
    }
    const perClass = new Map<number, Array<[number, number]>>();
    for (const [doc, s] of docScores) {
      const cls = docs[doc]!.class;
      const list = perClass.get(cls) ?? [];
      list.push([doc, s]);
      perClass.set(cls, list);
    }
    const retrieval = new Map<number, { score: number; top: Array<[number, number]> }>();
    let maxRetrieval = 0;
    for (const [cls, list] of perClass) {
      list.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
      const score = (list[0]?.[1] ?? 0) + 0.3 * (list[1]?.[1] ?? 0) + 0.1 * (list[2]?.[1] ?? 0);
      retrieval.set(cls, { score, top: list.slice(0, 3) });
      maxRetrieval = Math.max(maxRetrieval, score);
    }

    // Naive Bayes posterior over the classes (uniform prior: the list's class sizes are no prior).
    const logPost = this.model.unseen.map(() => 0);
    let seen = 0;
    for (const [f, weight] of query) {
      if (!Object.hasOwn(this.model.logLikelihood, f)) continue;
      const row = this.model.logLikelihood[f]!;
      seen++;
      const explicit = new Map(row);
      this.model.classes.forEach((c, i) => {
        logPost[i]! += weight * (explicit.get(c.class) ?? this.model.unseen[i]!);
      });
    }
    const maxLog = Math.max(...logPost);
    const exp = logPost.map((l) => Math.exp(l - maxLog));
    const sum = exp.reduce((a, b) => a + b, 0);

    const lemmas = new Set(contentLemmas(text));
    const excluded = new Set(this.model.excludes.filter((e) => e.lemmas.every((l) => lemmas.has(l))).map((e) => e.class));
    const out = new Map<number, { score: number; terms: string[]; words: string[] }>();
    this.model.classes.forEach((c, i) => {
      const r = retrieval.get(c.class);
      const nb = seen > 0 ? exp[i]! / sum : 0;
      let score = RETRIEVAL_SHARE * (r && maxRetrieval > 0 ? r.score / maxRetrieval : 0) * Math.min(1, maxRetrieval / 8) + (1 - RETRIEVAL_SHARE) * nb;
      if (excluded.has(c.class)) score *= EXCLUDE_FACTOR;
      const top = r?.top ?? [];
      out.set(c.class, {
        score,
        terms: top.map(([doc]) => docs[doc]!.text),
        words: [...new Set(top.flatMap(([doc]) => docWords.get(doc) ?? []))],
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
