import type { ClassModel, NiceClassInfo } from './model';
import { clauses, contentLemmas, features, heads, makesItsObject, tokenize, verbActivity } from './text';

export interface ClassScore {
  class: number;
  /** Combined score in [0, 1] before calibration. */
  score: number;
  /** Calibrated probability that the class is one the description belongs in. */
  confidence: number;
  /** The official terms (or heading or "includes" items of the class notes) that matched best, best first. */
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
 * A term lemma the text reaches only through a WordNet expansion of weight w counts w^COVERAGE_POWER
 * toward the term's coverage (a hypernym at 0.4 counts 0.63; the text's own word counts 1).
 */
const COVERAGE_POWER = 0.5;

/**
 * A clause of a description with several that names one kind of offer keeps the classes of the
 * other kind at this share of their score (clauseKind): a clause where a subject does something
 * with a verb that does not make or transform its object (`..., and we rent camcorders`:
 * verbActivity, makesItsObject) names a service, its object only what the service is about; a
 * clause whose heads name one kind in the official data (`rental of office furniture`: rental,
 * services; `ore treating machines`: machine, goods; `and we repair bikes`: repair, services;
 * model.ts headKinds) names that kind. `we roast coffee` names neither (roasting may make the
 * coffee sold). The whole description, and a description that is one clause, keep both readings.
 */
const OTHER_KIND_IN_CLAUSE = 0.1;

/**
 * In a clause of a description with several, each class's score is multiplied by the linear
 * component's posterior relative to its best class, to this power (a product of experts:
 * p_c / p_max = e^(z_c - z_max), z the linear model's logits; model.ts `linear`). The linear
 * model was trained on the official terms, heading items and "includes" items read as a
 * description is read (with the WordNet expansions), one text of one class each: a clause is the
 * kind of text it knows; the whole description, which mixes its clauses' classes and wording, is
 * not, and keeps its score unscaled. A class the clause's wording makes unlikely loses some of its
 * score there, so a clause's runner-ups that are only word neighbours no longer crowd out of the
 * top 5 the class another clause names.
 */
const LINEAR_POWER = 0.1;

/** The API answers at most this many classes. */
export const MAX_SUGGESTIONS = 5;

/**
 * What the API answers of a ranking: its first MAX_SUGGESTIONS classes that an official term
 * supports (a score and a matched term), the first always, each other one only when its
 * calibrated confidence is at least `prior`, the probability of a class before any evidence
 * (model.ts Calibration.prior): a class the description makes more likely, not less, has real
 * support. A multi-class description thus keeps its weaker classes (a second activity's class at
 * 0.05 is still 1.5 times as likely as a class the description says nothing of), while a
 * description read clearly answers one or two.
 */
export function selectSuggestions<T extends Pick<ClassScore, 'score' | 'confidence' | 'matchedTerms'>>(ranked: readonly T[], prior: number): T[] {
  return ranked
    .filter((s) => s.score > 0 && s.matchedTerms.length > 0)
    .slice(0, MAX_SUGGESTIONS)
    .filter((s, i) => i === 0 || s.confidence >= prior);
}

/**
 * Scores the 45 classes for a description with a trained model: every clause and the whole
 * description are scored on their own (BM25 over the official terms with WordNet-expanded
 * description words, plus naive Bayes over the class texts; in a clause, also weighed by a
 * discriminatively trained linear model), and each class keeps its best.
 */
export class NiceClassifier {
  /**
   * Each feature of the BM25 index has an id; per id its IDF and its slice of the posting arrays
   * (the docs that have it, with their BM25 term-frequency part). Flat typed arrays: the model
   * loads with little garbage and scoring allocates little.
   */
  private readonly featureIds = new Map<string, number>();
  private readonly idf: Float64Array;
  private readonly postingStart: Int32Array;
  private readonly postingEnd: Int32Array;
  private readonly postingDocs: Int32Array;
  private readonly postingTf: Float64Array;
  /**
   * The lemma ids of each doc that coverage counts (no bigrams, heads or prefixes, no generic
   * `service`): doc d's are `lemmaIds[lemmaStart[d] .. lemmaStart[d + 1]]`. A negated lemma
   * (`n:metal` of `fences, not of metal`) counts too, and only the same negation in the text
   * covers it: `buildings` covers half of `buildings, not of metal` as it does of `buildings of
   * metal`, the text's `metal` does not match the first, and `fences, not of metal` covers all of
   * `fences, not of metal` (not half, as `fences of metal`).
   */
  private readonly lemmaStart: Int32Array;
  private readonly lemmaIds: Int32Array;
  private readonly docClass: Int32Array;
  /** Naive Bayes log-likelihoods, one row of one value per class per feature (the unseen floor filled in). */
  private readonly likelihoodRow = new Map<string, number>();
  private readonly likelihood: Float64Array;
  /** Scratch space of one scoring (reset after each): BM25 score per doc, query weight per feature (for coverage). */
  private readonly docScores: Float64Array;
  private readonly inQuery: Float64Array;
  private readonly touched: Int32Array;
  private readonly headKinds: Map<string, NiceClassInfo['kind']>;
  /** The linear component (model.ts `linear`): per feature its index, and the model's flat arrays of (class index, weight) pairs. */
  private readonly linearFeature = new Map<string, number>();
  private readonly linearStart: Int32Array;
  private readonly linearEntries: Float64Array;

  constructor(readonly model: ClassModel) {
    const { docs, idf, avgDocLength } = model;
    const k = model.classes.length;
    const classIndex = new Map(model.classes.map((c, i) => [c.class, i]));
    // A doc's features are distinct (model.ts): two passes, the list sizes, then the lists.
    const sizes: number[] = [];
    let total = 0;
    for (const d of docs) {
      for (const f of d.features) {
        if (!Object.hasOwn(idf, f)) continue;
        let id = this.featureIds.get(f);
        if (id === undefined) {
          id = sizes.length;
          this.featureIds.set(f, id);
          sizes.push(0);
        }
        sizes[id]!++;
        total++;
      }
    }
    const n = sizes.length;
    this.idf = new Float64Array(n);
    this.postingStart = new Int32Array(n);
    this.postingEnd = new Int32Array(n);
    const next = new Int32Array(n);
    let offset = 0;
    for (const [f, id] of this.featureIds) {
      this.idf[id] = idf[f]!;
      this.postingStart[id] = offset;
      next[id] = offset;
      offset += sizes[id]!;
      this.postingEnd[id] = offset;
    }
    this.postingDocs = new Int32Array(total);
    this.postingTf = new Float64Array(total);
    this.lemmaStart = new Int32Array(docs.length + 1);
    const lemmaIds: number[] = [];
    docs.forEach((d, i) => {
      const tf = (K1 + 1) / (1 + K1 * (1 - B + (B * d.features.length) / avgDocLength));
      this.lemmaStart[i] = lemmaIds.length;
      for (const f of d.features) {
        const id = this.featureIds.get(f);
        if (id === undefined) continue;
        const at = next[id]!++;
        this.postingDocs[at] = i;
        this.postingTf[at] = tf;
        const prefixed = f.charCodeAt(1) === 58; // b:, h:, n:, p:
        if ((!prefixed || f.startsWith('n:')) && f !== 'service' && !d.pieces?.includes(f)) lemmaIds.push(id);
      }
    });
    this.lemmaStart[docs.length] = lemmaIds.length;
    this.lemmaIds = Int32Array.from(lemmaIds);
    this.docClass = Int32Array.from(docs, (d) => classIndex.get(d.class)!);
    this.docScores = new Float64Array(docs.length);
    this.touched = new Int32Array(docs.length);
    this.inQuery = new Float64Array(n);
    this.headKinds = new Map(Object.entries(model.headKinds));
    model.linear.features.forEach((f, i) => this.linearFeature.set(f, i));
    this.linearStart = Int32Array.from(model.linear.start);
    this.linearEntries = Float64Array.from(model.linear.entries);
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

  /** The classes the API answers for a description (selectSuggestions with the model's prior), best first. */
  suggest(description: string): ClassScore[] {
    return selectSuggestions(this.rank(description), this.model.calibration.prior);
  }

  /** All classes with a score, best first. */
  rank(description: string): ClassScore[] {
    const parts = clauses(description);
    const texts = parts.length > 1 ? [description, ...parts] : [description];
    const k = this.model.classes.length;
    // Per class: its best score over the texts, and the scoring (top terms, query) that gave it.
    const best = new Float64Array(k);
    const from: Array<TextScores | undefined> = new Array(k);
    for (const text of texts) {
      const scored = text === description ? this.scoreText(text, false) : this.scoreText(text, true, this.clauseKind(text));
      for (let i = 0; i < k; i++) {
        if (from[i] === undefined || scored.scores[i]! > best[i]!) {
          best[i] = scored.scores[i]!;
          from[i] = scored;
        }
      }
    }
    const { docs } = this.model;
    const ranked: ClassScore[] = this.model.classes
      .map((c, i) => {
        const scored = from[i];
        const top = scored ? scored.top.slice(i * 3, i * 3 + scored.count[i]!) : [];
        const terms = Array.from(top, (doc) => docs[doc]!.text);
        // The description's own words (not bigrams, heads or expansions) that the terms share.
        const words = new Set<string>();
        for (const doc of top) for (const f of docs[doc]!.features) if (scored!.query.get(f) === 1 && !/^[bhp]:/.test(f)) words.add(f);
        return { class: c.class, score: best[i]!, confidence: 0, matchedTerms: terms, matchedWords: [...words] };
      })
      .sort((x, y) => y.score - x.score || x.class - y.class);
    const topScore = ranked[0]?.score ?? 0;
    for (const s of ranked) s.confidence = this.calibrate(s.score, topScore);
    return ranked;
  }

  /**
   * The calibrated probability that a class with this score is right, when the first suggestion
   * scores `topScore`: 1 / (1 + e^-(a·score + relative·score/topScore + b)) (model.ts).
   */
  calibrate(score: number, topScore: number): number {
    const { a, relative, b } = this.model.calibration;
    return 1 / (1 + Math.exp(-(a * score + relative * (topScore > 0 ? score / topScore : 0) + b)));
  }

  /** The kind of offer a clause names, if it names one (OTHER_KIND_IN_CLAUSE): a verb of service, else the one kind its heads name in the official data. */
  clauseKind(clause: string): NiceClassInfo['kind'] | undefined {
    const said = verbActivity(tokenize(clause));
    if (said && !makesItsObject(said.verb)) return 'service';
    const kinds = new Set(heads(clause).map((h) => this.headKinds.get(h)).filter((k) => k !== undefined));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }

  /** One text's class scores: `inClause` when it is a clause of a description with several (LINEAR_POWER), `kind` the kind of offer the clause names (OTHER_KIND_IN_CLAUSE). */
  private scoreText(text: string, inClause: boolean, kind?: NiceClassInfo['kind']): TextScores {
    const query = features(text, true, (l) => this.featureIds.has(l));
    const k = this.model.classes.length;
    // BM25 of each term against the weighted query features.
    const scores = this.docScores;
    const touched = this.touched;
    const marked: number[] = [];
    let nTouched = 0;
    for (const [f, weight] of query) {
      const id = this.featureIds.get(f);
      if (id === undefined) continue;
      this.inQuery[id] = Math.min(1, weight) ** COVERAGE_POWER;
      marked.push(id);
      const w = weight * this.idf[id]!;
      const end = this.postingEnd[id]!;
      for (let i = this.postingStart[id]!; i < end; i++) {
        const doc = this.postingDocs[i]!;
        if (scores[doc] === 0) touched[nTouched++] = doc;
        scores[doc]! += w * this.postingTf[i]!;
      }
    }
    // Coverage: a term all of whose words the text has (`knife sharpening`) is what the text
    // describes; one it shares a word with (`knife steels`) only may be. Each term's BM25 score
    // is scaled by the share of its lemmas the text has, itself (1) or through an expansion
    // (less: COVERAGE_POWER), a hyphenated compound's pieces left out (model.ts). Each class keeps its three best terms (slots i*3 .. i*3+2, best first, ties to the lower doc).
    const top = new Int32Array(k * 3);
    const topScore = new Float64Array(k * 3);
    const count = new Uint8Array(k);
    for (let t = 0; t < nTouched; t++) {
      const doc = touched[t]!;
      let s = scores[doc]!;
      scores[doc] = 0;
      const from = this.lemmaStart[doc]!;
      const to = this.lemmaStart[doc + 1]!;
      if (to > from) {
        let covered = 0;
        for (let j = from; j < to; j++) covered += this.inQuery[this.lemmaIds[j]!]!;
        s = (s * covered) / (to - from);
      }
      if (s <= 0) continue;
      const cls = this.docClass[doc]!;
      const base = cls * 3;
      let slot = count[cls]!;
      const before = (j: number): boolean => s > topScore[base + j]! || (s === topScore[base + j]! && doc < top[base + j]!);
      if (slot === 3 && !before(2)) continue;
      if (slot < 3) count[cls] = slot + 1;
      else slot = 2;
      while (slot > 0 && before(slot - 1)) {
        top[base + slot] = top[base + slot - 1]!;
        topScore[base + slot] = topScore[base + slot - 1]!;
        slot--;
      }
      top[base + slot] = doc;
      topScore[base + slot] = s;
    }
    for (const id of marked) this.inQuery[id] = 0;
    const retrieval = new Float64Array(k);
    let maxRetrieval = 0;
    for (let i = 0; i < k; i++) {
      const n = count[i]!;
      const r = (n > 0 ? topScore[i * 3]! : 0) + 0.3 * (n > 1 ? topScore[i * 3 + 1]! : 0) + 0.1 * (n > 2 ? topScore[i * 3 + 2]! : 0);
      retrieval[i] = r;
      if (r > maxRetrieval) maxRetrieval = r;
    }

    // Naive Bayes posterior over the classes (uniform prior: the list's class sizes are no prior).
    const logPost = new Float64Array(k);
    let seen = 0;
    for (const [f, weight] of query) {
      const base = this.likelihoodRow.get(f);
      if (base === undefined) continue;
      seen++;
      for (let i = 0; i < k; i++) logPost[i]! += weight * this.likelihood[base + i]!;
    }
    let maxLog = -Infinity;
    for (let i = 0; i < k; i++) if (logPost[i]! > maxLog) maxLog = logPost[i]!;
    let sum = 0;
    for (let i = 0; i < k; i++) {
      logPost[i] = Math.exp(logPost[i]! - maxLog);
      sum += logPost[i]!;
    }

    // In a clause, the linear component's logits (LINEAR_POWER).
    const linear = inClause ? Float64Array.from(this.model.linear.bias) : undefined;
    let maxLinear = -Infinity;
    if (linear) {
      for (const [f, weight] of query) {
        const i = this.linearFeature.get(f);
        if (i === undefined) continue;
        const end = this.linearStart[i + 1]!;
        for (let j = this.linearStart[i]!; j < end; j++) linear[this.linearEntries[2 * j]!]! += weight * this.linearEntries[2 * j + 1]!;
      }
      for (let i = 0; i < k; i++) if (linear[i]! > maxLinear) maxLinear = linear[i]!;
    }

    const lemmas = new Set(contentLemmas(text));
    const excluded = new Set(this.model.excludes.filter((e) => e.lemmas.every((l) => lemmas.has(l))).map((e) => e.class));
    const out = new Float64Array(k);
    let best = 0;
    this.model.classes.forEach((c, i) => {
      const nb = seen > 0 ? logPost[i]! / sum : 0;
      let score = RETRIEVAL_SHARE * (maxRetrieval > 0 ? retrieval[i]! / maxRetrieval : 0) * Math.min(1, maxRetrieval / 8) + (1 - RETRIEVAL_SHARE) * nb;
      if (linear) score *= Math.exp(LINEAR_POWER * (linear[i]! - maxLinear));
      if (excluded.has(c.class)) score *= EXCLUDE_FACTOR;
      if (kind !== undefined && c.kind !== kind) score *= OTHER_KIND_IN_CLAUSE;
      out[i] = score;
      if (score > best) best = score;
    });
    // A text's runner-ups are weaker evidence than its best class: what the text says is mostly
    // explained by that class. Each score is scaled by its share of the text's best (score^2 / best),
    // so that the runner-ups of one clause, or of the whole description, do not crowd out of the
    // top 5 the best class of another clause. The order within a text is unchanged.
    if (best > 0) for (let i = 0; i < k; i++) out[i] = (out[i]! * out[i]!) / best;
    return { scores: out, top, count, query };
  }
}

/** One text's scoring: per class (in model order) its score and its best terms (doc ids, `count` of them from slot i*3). */
interface TextScores {
  scores: Float64Array;
  top: Int32Array;
  count: Uint8Array;
  query: Map<string, number>;
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
