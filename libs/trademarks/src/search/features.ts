/**
 * The features of a pair of marks, as an examiner weighs them (the DuPont factors a text search can
 * see): appearance, sound and meaning, word by word and for the whole mark; the dominant portion
 * (how distinctive the shared words are, from how many records carry them); word order and
 * containment; initials; the relation of the goods (class relation). The prior record's status
 * scales the probability (scoring.util, weights.ts).
 * A pure function of two analyzed marks and their context: the scoring (weights.ts) and the
 * explanations (explain.ts) both read what it returns.
 */
import { abbreviationsOf, type AnalyzedMark } from './analyzer';
import type { ClassRelation } from './class-relations.util';
import { areCloseSynonyms } from './synonyms';

/**
 * The features of the logistic model, in the order of the weight table (weights.ts). Each is in
 * [0, 1]. The prior record's status is no feature of it: it scales the probability (see
 * SEARCH_WEIGHTS.deadFactor in weights.ts), because a cancelled, abandoned or expired record keeps
 * a share of the risk its marks and goods carry, whatever that risk is, rather than moving every
 * pair by one step on the logit scale.
 */
export const FEATURE_NAMES = [
  'identical',
  'appearance',
  'sound',
  'wordCoverage',
  'dominantShared',
  'meaning',
  'initials',
  'contains',
  'reordered',
  'unmatchedDistinct',
  'shortOneLetter',
  'classSame',
  'classRelated',
  'classUnrelated',
  'unrelatedSimilar',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export type MatchKind = 'same' | 'sound' | 'look' | 'meaning' | 'part';

/** How a query word meets a record word. */
export interface WordMatch {
  query: string;
  record: string;
  kind: MatchKind;
  /** The query word's distinctiveness (see distinctivenessOf). */
  distinctiveness: number;
}

export interface PairFeatures {
  values: Record<FeatureName, number>;
  matches: WordMatch[];
  /** Spelling facts the explanations quote. */
  editDistance: number;
  trigram: number;
  /** Which side is contained in the other, when one is. */
  contained: 'query-in-record' | 'record-in-query' | null;
  initials: string | null;
}

export interface PairContext {
  relation: ClassRelation;
  live: boolean;
  /** A word's distinctiveness, 0.05 (crowded or generic) to 1 (coined, carried by no other record). */
  distinctiveness(word: string): number;
}

/** Above this many records carrying a word's sound code, the word is as weak as a word can be. */
export const CROWDED_RECORDS = 3_000;
/** The distinctiveness of a word the statistics do not cover (a record's word the query does not have). */
export const UNKNOWN_DISTINCTIVENESS = 0.6;

/**
 * Words that describe rather than distinguish (what the business is, its trade or legal form):
 * capped at 0.15 whatever the statistics say, so that a small registry does not take them for
 * coined words.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  (
    'group studio studios organic organics food foods supply supplies cycles solutions services service systems labs lab brands brand ' +
    'international global tech technologies shop store design designs products co company accounting consulting holdings partners ' +
    'pet pets home health beauty coffee wine wines beer clothing apparel kitchen cafe bar grill usa america american world new best premium ' +
    'pro plus my by outfitters wellness bakery brewing cabinetry lending optics bites market'
  ).split(' '),
);

/**
 * A word's distinctiveness from the number of records carrying its sound code (trademark_key_stats):
 * 1 - log10(1 + records) / log10(1 + CROWDED_RECORDS), clamped to [0.05, 1]; one record: 0.91,
 * ten: 0.7, a hundred: 0.42, a thousand: 0.14. Generic words are capped at 0.15, numerals and
 * one- or two-letter words at 0.3; a word without statistics counts UNKNOWN_DISTINCTIVENESS.
 */
export function distinctivenessFromCount(word: string, records: number | undefined): number {
  let d = records === undefined ? UNKNOWN_DISTINCTIVENESS : 1 - Math.log10(1 + records) / Math.log10(1 + CROWDED_RECORDS);
  d = Math.min(1, Math.max(0.05, d));
  if (GENERIC_WORDS.has(word)) d = Math.min(d, 0.15);
  if (/^[0-9]+$/.test(word) || word.length <= 2) d = Math.min(d, 0.3);
  return d;
}

/** Edit distance with adjacent transpositions (optimal string alignment): TRELAN/TERLAN is one edit. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      cur[j] = best;
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** 1 - edit distance / the longer length; 0 for two empty strings. */
export function editSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 0 : 1 - editDistance(a, b) / longer;
}

function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.split(/[^a-z0-9]+/).filter(Boolean)) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}

/** pg_trgm's similarity(): shared trigrams of the padded words over all distinct trigrams. */
export function trigramSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

const MATCH_STRENGTH: Readonly<Record<MatchKind, number>> = { same: 1, sound: 0.9, look: 0.85, meaning: 0.8, part: 0.8 };
const MATCH_PRIORITY: Readonly<Record<MatchKind, number>> = { same: 5, sound: 4, meaning: 3, look: 2, part: 1 };

function wordMatch(q: AnalyzedMark, i: number, r: AnalyzedMark, j: number): MatchKind | null {
  const qw = q.words[i];
  const rw = r.words[j];
  if (qw === rw || q.singulars[i] === r.singulars[j]) return 'same';
  if (qw.length >= 3 && rw.length >= 3 && q.codes[i].some((c) => r.codes[j].includes(c))) return 'sound';
  if ((q.concepts[i] !== null && q.concepts[i] === r.concepts[j]) || areCloseSynonyms(qw, rw)) return 'meaning';
  if (Math.min(qw.length, rw.length) >= 4 && editSimilarity(q.singulars[i], r.singulars[j]) >= 0.75) return 'look';
  if ((q.singulars[i].length >= 4 && r.compact.includes(q.singulars[i]) && r.words.length === 1) || (r.singulars[j].length >= 4 && q.compact.includes(r.singulars[j]) && q.words.length === 1)) {
    return 'part';
  }
  return null;
}

/** The features of a query against a record (see FEATURE_NAMES). */
export function pairFeatures(q: AnalyzedMark, r: AnalyzedMark, context: PairContext): PairFeatures {
  const d = (word: string): number => context.distinctiveness(word);
  const matches: WordMatch[] = [];
  const recordMatched = new Array<MatchKind | null>(r.words.length).fill(null);
  const queryMatched = new Array<MatchKind | null>(q.words.length).fill(null);
  for (let i = 0; i < q.words.length; i++) {
    let best: { j: number; kind: MatchKind } | null = null;
    for (let j = 0; j < r.words.length; j++) {
      const kind = wordMatch(q, i, r, j);
      if (kind !== null && (best === null || MATCH_PRIORITY[kind] > MATCH_PRIORITY[best.kind])) best = { j, kind };
      if (kind === 'same') break;
    }
    if (best !== null) {
      queryMatched[i] = best.kind;
      matches.push({ query: q.words[i], record: r.words[best.j], kind: best.kind, distinctiveness: d(q.words[i]) });
      const prev = recordMatched[best.j];
      if (prev === null || MATCH_STRENGTH[best.kind] > MATCH_STRENGTH[prev]) recordMatched[best.j] = best.kind;
    }
  }
  // Record words a query word did not pick (a compound query meets several of them).
  for (let j = 0; j < r.words.length; j++) {
    if (recordMatched[j] !== null) continue;
    for (let i = 0; i < q.words.length; i++) {
      const kind = wordMatch(q, i, r, j);
      if (kind !== null) {
        recordMatched[j] = kind;
        break;
      }
    }
  }

  const qWeights = q.words.map(d);
  const rWeights = r.words.map(d);
  const total = qWeights.reduce((a, b) => a + b, 0) + rWeights.reduce((a, b) => a + b, 0);
  const covered =
    qWeights.reduce((sum, w, i) => sum + (queryMatched[i] ? w * MATCH_STRENGTH[queryMatched[i] as MatchKind] : 0), 0) +
    rWeights.reduce((sum, w, j) => sum + (recordMatched[j] ? w * MATCH_STRENGTH[recordMatched[j] as MatchKind] : 0), 0);
  const wordCoverage = total > 0 ? covered / total : 0;
  const dominantShared = matches.filter((m) => m.kind !== 'meaning').reduce((max, m) => Math.max(max, m.distinctiveness), 0);
  const qTotal = qWeights.reduce((a, b) => a + b, 0);
  const meaning = qTotal > 0 ? matches.filter((m) => m.kind === 'meaning').reduce((sum, m) => sum + m.distinctiveness, 0) / qTotal : 0;
  const unmatchedDistinct = Math.max(0, ...qWeights.filter((_, i) => queryMatched[i] === null), ...rWeights.filter((_, j) => recordMatched[j] === null));

  const identical = q.compact !== '' && (q.compact === r.compact || q.fullCompact === r.fullCompact) ? 1 : 0;
  const distance = editDistance(q.compact, r.compact);
  const trigram = trigramSimilarity(q.words.join(' '), r.words.join(' '));

  // Initials: one mark is a single word that the other's words abbreviate (SP for SILVER PINE, or
  // for SILVER PINE FOODS: abbreviationsOf).
  const [single, several] = q.words.length === 1 ? [q, r] : [r, q];
  const sharedInitials = single.words.length === 1 && identical === 0 ? (abbreviationsOf(several.words).find((x) => single.initials.includes(x)) ?? null) : null;
  const initialsPair = sharedInitials !== null;
  const initials = initialsPair ? 1 : 0;

  // An initialism is compared with the words it abbreviates (the initials feature), not letter by
  // letter with the longer mark: SP against SILVERPINE or SUNPINE says nothing but their lengths,
  // so for an initials pair whole-mark appearance and sound are not measured.
  const appearance = initialsPair ? 0 : Math.max(editSimilarity(q.compact, r.compact), editSimilarity(q.visual, r.visual), editSimilarity(q.fullCompact, r.fullCompact), trigram);
  const sound = !initialsPair && q.wholeCode.length >= 2 && r.wholeCode.length >= 2 ? editSimilarity(q.wholeCode, r.wholeCode) : 0;

  const sortedQ = [...q.singulars].sort().join(' ');
  const reordered = q.words.length >= 2 && identical === 0 && sortedQ === [...r.singulars].sort().join(' ') ? 1 : 0;

  // Containment: every word of one mark is in the other, which says more (MILLBECK in MILLBECK
  // PET SUPPLY); or one compact form holds the other (HIGHWATER in HIGHWATERS).
  let contained: PairFeatures['contained'] = null;
  let contains = 0;
  if (identical === 0 && reordered === 0) {
    const strong = (k: MatchKind | null): boolean => k === 'same' || k === 'sound';
    if (r.words.length < q.words.length && recordMatched.every(strong)) {
      contained = 'record-in-query';
      contains = Math.max(...rWeights);
    } else if (q.words.length < r.words.length && queryMatched.every(strong)) {
      contained = 'query-in-record';
      contains = Math.max(...qWeights);
    } else if (r.compact.length >= 4 && q.compact.length > r.compact.length && q.compact.includes(r.compact)) {
      contained = 'record-in-query';
      contains = Math.max(...rWeights);
    } else if (q.compact.length >= 4 && r.compact.length > q.compact.length && r.compact.includes(q.compact)) {
      contained = 'query-in-record';
      contains = Math.max(...qWeights);
    }
  }

  const longest = Math.max(q.compact.length, r.compact.length);
  const shortOneLetter = identical === 0 && longest <= 4 && Math.min(q.compact.length, r.compact.length) >= 2 && distance === 1 ? 1 : 0;

  const classSame = context.relation === 'same' ? 1 : 0;
  const classRelated = context.relation === 'related' ? 1 : 0;
  const classUnrelated = context.relation === 'unrelated' ? 1 : 0;
  const markSimilarity = Math.max(identical, appearance, sound, wordCoverage);
  return {
    values: {
      identical,
      appearance,
      sound,
      wordCoverage,
      dominantShared,
      meaning,
      initials,
      contains,
      reordered,
      unmatchedDistinct,
      shortOneLetter,
      classSame,
      classRelated,
      classUnrelated,
      unrelatedSimilar: classUnrelated * markSimilarity,
    },
    matches,
    editDistance: distance,
    trigram,
    contained,
    initials: initialsPair ? sharedInitials : null,
  };
}
