import { classRelation } from './class-relations.util';
import { conceptOf, isForeignWord } from './meaning.util';
import { initialsOf, markWords, normalizeMark, phoneticCode, phoneticKeys, singularWord, STOP_WORDS } from './normalize';
import type { Candidate, RiskLevel, ScoredResult, SearchReason } from './search.types';
import { closeSynonyms } from './wordnet';

/**
 * Words that describe rather than distinguish (what the business is, its legal or trade form):
 * sharing one of them alone is weak evidence of a conflict. A small curated list, not a corpus
 * statistic; the shared-word signal is discounted for these words.
 */
const WEAK_WORDS = new Set([
  'group',
  'studio',
  'studios',
  'organics',
  'organic',
  'foods',
  'food',
  'supply',
  'supplies',
  'cycles',
  'solutions',
  'services',
  'service',
  'systems',
  'labs',
  'lab',
  'brands',
  'brand',
  'international',
  'global',
  'tech',
  'technologies',
  'shop',
  'store',
  'design',
  'designs',
  'products',
  'co',
  'company',
  'accounting',
  'consulting',
  'holdings',
  'partners',
  'pet',
  'home',
  'health',
  'beauty',
  'coffee',
  'wine',
  'beer',
  'clothing',
  'apparel',
  'kitchen',
  'cafe',
  'bar',
  'grill',
  'usa',
  'america',
  'american',
  'world',
  'new',
  'best',
  'premium',
  'pro',
  'plus',
  'one',
  'my',
  'by',
]);

/** Score thresholds of the risk levels (score 0..100). */
export const RISK_THRESHOLDS = { high: 70, medium: 50, low: 30 } as const;

/** Weights of the class relation and of a dead record on the mark similarity. */
const CLASS_FACTOR = {
  same: 1,
  related: 0.85,
  unknown: 0.9,
  unrelated: 0.6,
} as const;
const DEAD_FACTOR = 0.7;

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

/** Levenshtein distance (two rows; marks are short). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The query side of the comparison, computed once per search. */
export interface PreparedQuery {
  text: string;
  normalized: string;
  /** Content words (stop words removed). */
  words: string[];
  compact: string;
  keys: string[];
  classes: number[];
}

export function prepareQuery(text: string, classes: number[] = []): PreparedQuery {
  const normalized = normalizeMark(text);
  const words = contentWords(normalized);
  return {
    text,
    normalized,
    words,
    compact: words.join(''),
    keys: [...new Set([...phoneticKeys(text), ...synonymKeys(words)])],
    classes,
  };
}

/** A word's close synonyms (WordNet), of the word as written and of its singular. */
function synonymsOf(word: string): string[] {
  const singular = singularWord(word);
  return [...new Set([...closeSynonyms(word), ...(singular === word ? [] : closeSynonyms(singular))])];
}

/** Whether two words are close synonyms, in either direction (WordNet first senses). */
export function areCloseSynonyms(a: string, b: string): boolean {
  if (a === b) return false;
  const sa = singularWord(a);
  const sb = singularWord(b);
  const of = synonymsOf(a);
  if (of.includes(b) || of.includes(sb)) return true;
  const back = synonymsOf(b);
  return back.includes(a) || back.includes(sa);
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

function contentWords(normalized: string): string[] {
  const words = markWords(normalized);
  const content = words.filter((w) => !STOP_WORDS.has(w));
  return content.length > 0 ? content : words;
}

function wordCodes(word: string): Set<string> {
  const singular = singularWord(word);
  return new Set(
    [phoneticCode(word), phoneticCode(word, true), phoneticCode(singular), phoneticCode(singular, true)].filter((c) => c.length >= 2 || /^[0-9]+$/.test(c)),
  );
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Scores one candidate against the query, 0..100, with the reasons that explain it. The mark
 * similarity is the strongest of: identity (same letters once normalized and spaces removed), the
 * same words in another order, look-alike (trigram similarity or edit distance of the compact
 * forms), sound-alike (same phonetic code of the whole mark, or of every word), and shared
 * distinctive words (one is enough: QUICK meets KWIK REWARDS; a descriptive word counts less).
 * The class relation then weighs it (same > related > unknown > unrelated) and a dead record
 * counts less than a live one.
 */
export function scoreCandidate(query: PreparedQuery, candidate: Candidate): ScoredResult {
  const reasons: SearchReason[] = [];
  const cWords = contentWords(candidate.normalizedMark);
  const cCompact = cWords.join('');

  const identical = query.compact !== '' && query.compact === cCompact;
  const sortedQ = query.words.map(singularWord).sort().join(' ');
  const sortedC = cWords.map(singularWord).sort().join(' ');
  const sameWords = !identical && sortedQ !== '' && sortedQ === sortedC;

  const maxLen = Math.max(query.compact.length, cCompact.length, 1);
  const distance = editDistance(query.compact, cCompact);
  const editSimilarity = 1 - distance / maxLen;
  const look = Math.max(candidate.trigram, editSimilarity);

  // Sound: the whole mark, then word by word.
  const wholeSound = !identical && query.compact !== '' && phoneticCode(query.compact) !== '' && phoneticCode(query.compact) === phoneticCode(cCompact);
  const cCodes = cWords.map(wordCodes);
  const exactShared: string[] = [];
  const soundShared: Array<[string, string]> = [];
  const containedShared: string[] = [];
  const meaningShared: Array<[string, string]> = [];
  const conceptOfWord = (w: string): string | null => conceptOf(w) ?? conceptOf(singularWord(w));
  for (const word of query.words) {
    const singular = singularWord(word);
    const exact = cWords.find((w) => w === word || singularWord(w) === singular);
    if (exact !== undefined) {
      exactShared.push(word);
      continue;
    }
    const codes = wordCodes(word);
    const index = cCodes.findIndex((set) => [...codes].some((c) => set.has(c)));
    if (index >= 0 && word.length >= 3) {
      soundShared.push([word, cWords[index]]);
      continue;
    }
    // Meaning: foreign equivalents and close synonyms (LUNA and MOON, TINY and SMALL).
    const concept = conceptOfWord(word);
    const same = concept === null ? undefined : cWords.find((w) => conceptOfWord(w) === concept);
    if (same !== undefined) {
      meaningShared.push([word, same]);
      continue;
    }
    const synonym = word.length >= 3 ? cWords.find((w) => areCloseSynonyms(word, w)) : undefined;
    if (synonym !== undefined) {
      meaningShared.push([word, synonym]);
      continue;
    }
    // Compounds: LIVINGREEN contains GREEN; spacing changes are conflicts.
    if (singular.length >= 4 && cWords.length === 1 && cCompact.includes(singular)) containedShared.push(word);
  }
  for (const word of cWords) {
    const singular = singularWord(word);
    if (query.words.length === 1 && singular.length >= 4 && query.compact.includes(singular) && !exactShared.includes(word)) {
      containedShared.push(word);
    }
  }

  // Initials against the words they abbreviate (CVH and CEDAR VALLEY HEALTH).
  const qInitials = initialsOf(query.words);
  const cInitials = initialsOf(cWords);
  const abbreviation = !identical && qInitials !== null && qInitials === cInitials && (query.words.length === 1) !== (cWords.length === 1);

  const matchedWords = [...exactShared, ...soundShared.map(([q]) => q), ...meaningShared.map(([q]) => q), ...containedShared];
  const strongMatched = matchedWords.filter((w) => !WEAK_WORDS.has(w));
  const coverage = matchedWords.length / Math.max(query.words.length, cWords.length, 1);
  const allWordsSound = query.words.length > 0 && exactShared.length + soundShared.length === query.words.length && query.words.length === cWords.length;
  const allWordsMean =
    query.words.length > 0 &&
    meaningShared.length > 0 &&
    exactShared.length + soundShared.length + meaningShared.length === query.words.length &&
    query.words.length === cWords.length;

  let similarity = look;
  if (identical) similarity = 1;
  if (sameWords) similarity = Math.max(similarity, 0.95);
  if (wholeSound || allWordsSound) similarity = Math.max(similarity, 0.9);
  if (allWordsMean) similarity = Math.max(similarity, 0.88);
  if (abbreviation) similarity = Math.max(similarity, 0.8);
  if (strongMatched.length > 0) similarity = Math.max(similarity, 0.72 + 0.2 * coverage);
  else if (matchedWords.length > 0) similarity = Math.max(similarity, 0.35 + 0.2 * coverage);
  similarity = Math.min(1, similarity);

  if (identical)
    reasons.push({
      kind: 'identical',
      detail: `"${candidate.record.mark ?? ''}" reads the same once case, punctuation and spacing are ignored`,
    });
  if (!identical && (look >= 0.5 || sameWords)) {
    reasons.push({
      kind: 'looks-alike',
      detail: sameWords
        ? 'the same words in another order'
        : `spelling similarity ${round2(look)} (trigram ${round2(candidate.trigram)}, ${distance} letter edit${distance === 1 ? '' : 's'})`,
    });
  }
  if (wholeSound)
    reasons.push({
      kind: 'sounds-alike',
      detail: `the whole mark sounds the same (${phoneticCode(query.compact)})`,
    });
  else if (soundShared.length > 0) {
    reasons.push({
      kind: 'sounds-alike',
      detail: soundShared.map(([q, c]) => `${q.toUpperCase()} sounds like ${c.toUpperCase()}`).join('; '),
    });
  }
  if (abbreviation) {
    const [short, long] = query.words.length === 1 ? [query.words, cWords] : [cWords, query.words];
    reasons.push({
      kind: 'looks-alike',
      detail: `${short.join(' ').toUpperCase()} are the initials of ${long.join(' ').toUpperCase()}`,
    });
  }
  const sharedForReason = [...exactShared, ...containedShared];
  if (!identical && !sameWords && sharedForReason.length > 0) {
    reasons.push({
      kind: 'shared-word',
      detail: `shares ${sharedForReason.map((w) => w.toUpperCase()).join(', ')}`,
    });
  }
  if (meaningShared.length > 0) {
    const detail = meaningShared
      .map(([q, c]) =>
        isForeignWord(q) || isForeignWord(c)
          ? `${q.toUpperCase()} and ${c.toUpperCase()} mean the same (foreign equivalent)`
          : `${q.toUpperCase()} and ${c.toUpperCase()} are synonyms`,
      )
      .join('; ');
    reasons.push({ kind: 'shared-word', detail });
  }

  const relation = classRelation(query.classes, candidate.record.classes);
  if (relation.relation === 'same')
    reasons.push({
      kind: 'same-class',
      detail: `class ${relation.classes.join(', ')}`,
    });
  if (relation.relation === 'related')
    reasons.push({
      kind: 'related-class',
      detail: `class ${relation.classes.join(', ')} is related to class ${query.classes.join(', ')}`,
    });
  if (!candidate.record.live)
    reasons.push({
      kind: 'dead-record',
      detail: `the record is dead${candidate.record.status ? ` (status ${candidate.record.status})` : ''}`,
    });

  const score = Math.round(100 * similarity * CLASS_FACTOR[relation.relation] * (candidate.record.live ? 1 : DEAD_FACTOR));
  return { record: candidate.record, score, risk: riskOf(score), reasons };
}

/** Scores and ranks candidates: score, then live before dead, then serial number for stability. */
export function rankCandidates(query: PreparedQuery, candidates: Candidate[], limit: number, minScore = 15): ScoredResult[] {
  return candidates
    .map((c) => scoreCandidate(query, c))
    .filter((r) => r.score >= minScore)
    .sort((a, b) => b.score - a.score || Number(b.record.live) - Number(a.record.live) || a.record.serialNumber.localeCompare(b.record.serialNumber))
    .slice(0, limit);
}
