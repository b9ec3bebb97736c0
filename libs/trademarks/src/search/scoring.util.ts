import { analysisOf, analyzeMark, lookalikeKeys, searchKeys, type AnalyzedMark } from './analyzer';
import { classRelation } from './class-relations.util';
import { explain } from './explain';
import { distinctivenessFromCount, FEATURE_NAMES, pairFeatures, type PairContext, type PairFeatures } from './features';
import { phoneticCode, singularWord, STOP_WORDS } from './normalize';
import type { Candidate, RiskLevel, ScoredResult } from './search.types';
import { synonymsOf } from './synonyms';
import { SEARCH_WEIGHTS } from './weights';

export { editDistance } from './features';
export { areCloseSynonyms } from './synonyms';

/**
 * Risk bands over the score, which is the estimated probability (in percent) that an examiner
 * would find a likelihood of confusion: high from 70, medium from 40, low from 15, none below.
 * Fixed bands; the reliability table of `npm run bench:search-quality` checks them.
 */
export const RISK_THRESHOLDS = { high: 70, medium: 40, low: 15 } as const;

export function riskOf(score: number): RiskLevel {
  if (score >= RISK_THRESHOLDS.high) return 'high';
  if (score >= RISK_THRESHOLDS.medium) return 'medium';
  if (score >= RISK_THRESHOLDS.low) return 'low';
  return 'none';
}

const RISK_ORDER: RiskLevel[] = ['none', 'low', 'medium', 'high'];
export function highestRisk(risks: RiskLevel[]): RiskLevel {
  return risks.reduce<RiskLevel>((acc, r) => (RISK_ORDER.indexOf(r) > RISK_ORDER.indexOf(acc) ? r : acc), 'none');
}

/** The query side of the comparison, computed once per search. */
export interface PreparedQuery {
  text: string;
  normalized: string;
  /** Content words (articles and stop words removed). */
  words: string[];
  compact: string;
  keys: string[];
  /** The query's look-alike deletion keys (lookalikeKeys): empty for a mark too long for them. */
  lookalikeKeys: string[];
  classes: number[];
  analysis: AnalyzedMark;
  /**
   * Registry statistics: how many records carry each of the query's keys (trademark_key_stats).
   * Unset until the candidate query has read them; a word without a count counts as unknown.
   */
  keyRecords?: ReadonlyMap<string, number>;
}

export function prepareQuery(text: string, classes: number[] = []): PreparedQuery {
  const analysis = analyzeMark(text);
  return {
    text,
    normalized: analysis.normalized,
    words: analysis.words,
    compact: analysis.compact,
    keys: [...new Set([...searchKeys(analysis), ...synonymKeys(analysis.words)])],
    lookalikeKeys: lookalikeKeys(analysis),
    classes,
    analysis,
  };
}

/**
 * Search keys for the query's close synonyms: the sound code of each synonym of each distinctive
 * word, so the phonetic branch also finds marks that say the same thing in other words (SWIFT
 * finds FLEET). Only the query carries them; the stored keys of a record stay its own words'.
 */
function synonymKeys(words: readonly string[]): string[] {
  const keys: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word) || /^[0-9]+$/.test(word)) continue;
    for (const synonym of synonymsOf(word)) {
      const code = phoneticCode(synonym);
      if (code.length >= 2) keys.push(code);
    }
  }
  return keys;
}

/**
 * A word's distinctiveness given the registry statistics of the query's keys: the count of its
 * sound code (of the singular) when the statistics were read for it (0 when no record carries it),
 * unknown otherwise (a record's word the query does not share).
 */
export function distinctivenessIn(keyRecords: ReadonlyMap<string, number> | undefined, askedKeys: ReadonlySet<string>) {
  return (word: string): number => {
    const key = phoneticCode(singularWord(word));
    const records = askedKeys.has(key) ? (keyRecords?.get(key) ?? 0) : undefined;
    return distinctivenessFromCount(word, records);
  };
}

/** The linear term of the learned model (weights.ts) for a pair's features. */
export function logitOf(features: PairFeatures): number {
  let z = SEARCH_WEIGHTS.bias;
  for (const name of FEATURE_NAMES) z += SEARCH_WEIGHTS.weights[name] * features.values[name];
  return z;
}

/**
 * The estimated probability of a likelihood of confusion, 0..1, from the logistic model's linear
 * term (logitOf, weights.ts), times the learned share of that risk a dead (cancelled, abandoned,
 * expired) prior record keeps (SEARCH_WEIGHTS.deadFactor).
 */
function probabilityOf(logit: number, live: boolean): number {
  const probability = 1 / (1 + Math.exp(-logit));
  return live ? probability : probability * SEARCH_WEIGHTS.deadFactor;
}

/** A scored result, with the figures the tie-break uses. */
export interface RankedResult extends ScoredResult {
  /** The model's linear term: orders results whose rounded scores are equal. */
  logit: number;
  /** The record's mark is the query's once case, punctuation, spacing and articles are ignored. */
  identical: boolean;
  /** The share of the searched classes the record is registered in (classCoverage): orders results of equal score. */
  coverage: number;
}

/**
 * The share of the searched classes a record is registered in, 0..1 (0 without searched classes):
 * how much of the applicant's goods the prior record meets. Not a factor of the probability (a
 * conflict in one class is a conflict), but of how broad it is: among results of equal score, a
 * record in all the searched classes ranks before one that shares one of them.
 */
export function classCoverage(queryClasses: readonly number[], recordClasses: readonly number[]): number {
  if (queryClasses.length === 0) return 0;
  return queryClasses.filter((c) => recordClasses.includes(c)).length / queryClasses.length;
}

/** Per prepared query: the linear term of the query against itself, by class relation (identicalLogit). */
const IDENTICAL_LOGITS = new WeakMap<PreparedQuery, Map<string, number>>();

/**
 * The model's linear term for a record identical to the query, with the given class relation: the
 * most a record can weigh against the query in that context (the status scales both alike). The
 * features of a look-alike are not a superset of an identical mark's (SHORT ONE LETTER and CONTAINS describe a
 * difference; identical marks have neither), so the linear model alone can score MINT above MIST
 * itself for the query MIST, or SIERRA SIERRA above SIERRA; scoreCandidate caps a look-alike here.
 */
function identicalLogit(query: PreparedQuery, context: PairContext): number {
  let byContext = IDENTICAL_LOGITS.get(query);
  if (byContext === undefined) IDENTICAL_LOGITS.set(query, (byContext = new Map()));
  const key = context.relation;
  let logit = byContext.get(key);
  if (logit === undefined) byContext.set(key, (logit = logitOf(pairFeatures(query.analysis, query.analysis, context))));
  return logit;
}

/**
 * What one ranking has worked out so far, so that a mark met again is not analyzed and compared
 * again: in a large registry one search's candidates repeat a mark many times (the same word filed
 * by hundreds of owners; at 5,000,000 records MINT's 400 candidates hold 200 distinct marks and
 * AMBER's 200 one), and the features are a pure function of the two analyses and the context
 * (class relation and status; the query's distinctiveness is the same for every candidate).
 */
export class ScoringMemo {
  private readonly analyses = new Map<string, AnalyzedMark>();
  /** By the analysis object analysisOf answers (one per distinct mark), then by class relation and status. */
  private readonly features = new Map<AnalyzedMark, Map<string, PairFeatures>>();
  private distinctiveness?: PairContext['distinctiveness'];

  constructor(private readonly query: PreparedQuery) {}

  /** The query's distinctiveness of a word (distinctivenessIn), made once. */
  distinctivenessOfWords(): PairContext['distinctiveness'] {
    return (this.distinctiveness ??= distinctivenessIn(this.query.keyRecords, new Set(this.query.keys)));
  }

  /** The candidate's analysis (analysisOf), decoded once per stored form and text. */
  analysisOf(candidate: Candidate): AnalyzedMark {
    const text = candidate.record.mark ?? candidate.normalizedMark;
    const key = `${candidate.analysis ?? ''}\u0000${text}\u0000${candidate.normalizedMark}`;
    let analysis = this.analyses.get(key);
    if (analysis === undefined) this.analyses.set(key, (analysis = analysisOf(candidate.analysis, text, candidate.normalizedMark)));
    return analysis;
  }

  /** pairFeatures of the query and a record's analysis (from analysisOf) in a context, computed once per mark, class relation and status. */
  featuresOf(record: AnalyzedMark, context: PairContext): PairFeatures {
    let byContext = this.features.get(record);
    if (byContext === undefined) this.features.set(record, (byContext = new Map()));
    const key = `${context.relation}/${context.live}`;
    let features = byContext.get(key);
    if (features === undefined) byContext.set(key, (features = pairFeatures(this.query.analysis, record, context)));
    return features;
  }
}

/**
 * Scores one candidate: its features against the query (features.ts), the probability from the
 * learned weights as a score 0..100 with its risk band, and the reasons (explain.ts). No record
 * scores above an identical mark would in its place (same classes, same status): a look-alike's
 * probability is capped at that one's (identicalLogit), its own linear term still orders it.
 * `memo` (one per ranking) reuses the analyses and features of marks met before.
 */
export function scoreCandidate(query: PreparedQuery, candidate: Candidate, memo: ScoringMemo = new ScoringMemo(query)): RankedResult {
  const record = memo.analysisOf(candidate);
  const relation = classRelation(query.classes, candidate.record.classes);
  const context: PairContext = {
    relation: relation.relation,
    live: candidate.record.live,
    distinctiveness: memo.distinctivenessOfWords(),
  };
  const features = memo.featuresOf(record, context);
  const logit = logitOf(features);
  const identical = features.values.identical === 1;
  const capped = identical ? logit : Math.min(logit, identicalLogit(query, context));
  const score = Math.round(100 * probabilityOf(capped, candidate.record.live));
  const reasons = explain(features, {
    recordMark: candidate.record.mark ?? candidate.normalizedMark,
    relation,
    queryClasses: query.classes,
    live: candidate.record.live,
    status: candidate.record.status,
  });
  return { record: candidate.record, score, risk: riskOf(score), reasons, logit, identical, coverage: classCoverage(query.classes, candidate.record.classes) };
}

/**
 * Scores and ranks candidates. Results below `minScore` (the `low` band by default: results of
 * risk `none` are left out) are dropped. With `exactFirst` (the clearance search), records whose
 * mark is identical to the query are kept whatever their score and listed before the look-alikes:
 * a searcher who types a registered mark sees that record first, also when it is dead or in
 * unrelated classes, with the risk its score gives (the scores themselves never put a look-alike
 * above the identical mark in its place, see scoreCandidate). Then by score; tie-break, in order:
 * the higher score (as shown, in whole percent); the record registered in more of the searched
 * classes (classCoverage: below a percent, the model's differences are noise such as how long the
 * other mark is, while the breadth of the goods overlap is what an examiner weighs next); a record
 * identical to the query before a look-alike; the higher unrounded probability (the model's
 * linear term); a live record before a dead one; the older filing date; the serial number (so
 * equal inputs always give the same order).
 */
export function rankCandidates(query: PreparedQuery, candidates: Candidate[], limit: number, minScore: number = RISK_THRESHOLDS.low, exactFirst = false): ScoredResult[] {
  const memo = new ScoringMemo(query);
  return candidates
    .map((c) => scoreCandidate(query, c, memo))
    .filter((r) => r.score >= minScore || (exactFirst && r.identical))
    .sort(
      (a, b) =>
        (exactFirst ? Number(b.identical) - Number(a.identical) : 0) ||
        b.score - a.score ||
        b.coverage - a.coverage ||
        Number(b.identical) - Number(a.identical) ||
        b.logit - a.logit ||
        Number(b.record.live) - Number(a.record.live) ||
        (a.record.filingDate ?? '9999').localeCompare(b.record.filingDate ?? '9999') ||
        a.record.serialNumber.localeCompare(b.record.serialNumber),
    )
    .slice(0, limit)
    .map(({ logit: _logit, identical: _identical, coverage: _coverage, ...result }) => result);
}
