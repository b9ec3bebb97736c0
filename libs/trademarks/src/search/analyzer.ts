/**
 * The analyzer: one function turns a mark into the forms every comparison reads, used identically
 * for a search's query and for each registry record (computed at import and stored, in the compact
 * form of encodeAnalysis, in `trademark_mark_analyses`, so a search compares precomputed forms).
 */
import { conceptOf } from './meaning.util';
import { INITIALS_KEY_PREFIX, initialsOf, markWords, MEANING_KEY_PREFIX, normalizeMark, phoneticCode, phoneticKeys, singularWord, STOP_WORDS } from './normalize';

/**
 * Bumped whenever the analysis of a text or the keys stored with it change; stored analyses of
 * another version are ignored by the search and rewritten (with the record's keys) by
 * `registry:reanalyze`. 2: look-alike deletion keys (lookalikeKeys).
 */
export const ANALYZER_VERSION = 2;

export interface AnalyzedMark {
  v: number;
  /** normalizeMark's output (the `normalized_mark` column). */
  normalized: string;
  /** Content words: leading and elided articles (L', LE, LA, IL, EL, THE...) and stop words removed. */
  words: string[];
  /** Singular of each content word. */
  singulars: string[];
  /** Content words written together (spacing ignored). */
  compact: string;
  /** Every word written together, articles included (L'AMOUR and LAMOUR stay identical). */
  fullCompact: string;
  /** The compact form read for appearance: digits as the letters they resemble (B0LT -> bolt). */
  visual: string;
  /** The compact form as spoken: digits as their words (L8 -> leight, 4SIGHT -> foursight). */
  spoken: string;
  /** Phonetic codes per content word (primary, alternate, of the singular, of the spoken form). */
  codes: string[][];
  /** Phonetic code of the spoken compact form (the whole mark's sound). */
  wholeCode: string;
  /** Meaning concept of each content word (foreign equivalents and synonym groups), or null. */
  concepts: Array<string | null>;
  /** The initials the mark stands for (see initialsOf), and those of the mark less one word. */
  initials: string[];
}

/** Articles examiners look past, in front of the word that matters (LA LUNA, L'ESPRIT, THE ROCK). */
export const ARTICLES: ReadonlySet<string> = new Set(['the', 'a', 'an', 'l', 'le', 'la', 'les', 'il', 'lo', 'gli', 'el', 'los', 'las', 'der', 'die', 'das', 'o', 'os', 'as', 'd', 'del', 'de', 'du', 'dell', 'della']);

const DIGIT_WORDS: Readonly<Record<string, string>> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
};
/** Digits read as the letters they look like (1 as I and L alike is left to the edit distance). */
const DIGIT_LETTERS: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'g', '7': 't', '8': 'b', '9': 'g' };

/** A word with its digits spoken (L8 -> leight, 2 -> two); `10` stays `ten`. */
export function spokenWord(word: string): string {
  if (word === '10') return 'ten';
  return word.replace(/[0-9]/g, (d) => DIGIT_WORDS[d]);
}

function visualWord(word: string): string {
  if (/^[0-9]+$/.test(word)) return spokenWord(word);
  return word.replace(/[0-9]/g, (d) => DIGIT_LETTERS[d]);
}

/** Splits elided articles and prepositions (L'AMOUR, D'ORO, DELL'ARTE) off the word before normalizing. */
function splitElisions(text: string): string {
  return text.replace(/(^|[^\p{L}])(l|d|dell|dall|nell|sull|all|qu)['’`´](?=\p{L})/giu, '$1$2 ');
}

export function wordCodes(word: string): string[] {
  const forms = new Set([word, singularWord(word), spokenWord(word)]);
  const codes = new Set<string>();
  for (const form of forms) {
    for (const alternate of [false, true]) {
      const code = phoneticCode(form, alternate);
      if (code.length >= 2 || /^[0-9]+$/.test(code)) codes.add(code);
    }
  }
  return [...codes];
}

/** The initials of a mark and, for marks of 3 to 5 words, those of the mark without one of its words. */
export function initialsVariants(words: readonly string[]): string[] {
  const out = new Set<string>();
  const full = initialsOf(words);
  if (full !== null) out.add(full);
  if (words.length >= 3 && words.length <= 5) {
    for (let i = 0; i < words.length; i++) {
      const less = initialsOf(words.filter((_, j) => j !== i));
      if (less !== null) out.add(less);
    }
  }
  return [...out];
}

/** Analyzes a mark's text (see AnalyzedMark). Pure and deterministic. */
export function analyzeMark(text: string): AnalyzedMark {
  const normalized = normalizeMark(text);
  const all = markWords(normalizeMark(splitElisions(text)));
  let words = all.filter((w) => !STOP_WORDS.has(w) && !ARTICLES.has(w));
  if (words.length === 0) words = all;
  const singulars = words.map(singularWord);
  const compact = words.join('');
  const spoken = words.map(spokenWord).join('');
  return {
    v: ANALYZER_VERSION,
    normalized,
    words,
    singulars,
    compact,
    fullCompact: all.join(''),
    visual: words.map(visualWord).join(''),
    spoken,
    codes: words.map(wordCodes),
    wholeCode: spoken === '' ? '' : phoneticCode(spoken),
    concepts: words.map((w) => conceptOf(w) ?? conceptOf(singularWord(w))),
    initials: initialsVariants(words),
  };
}

/**
 * The stored form of an analysis (`trademark_mark_analyses.analysis`): only what costs work to
 * derive, as a positional JSON array, so the side table stays small (about 60-120 bytes a mark).
 * `[words, singulars, codes, wholeCode, concepts, fullCompact]`, where `singulars` and `concepts`
 * are 0 when every singular is its word / no word has a concept (else one entry per word, 0 for
 * "the word itself" / "none"), and `fullCompact` is 0 when it equals the compact form. The
 * normalized text is the record's `normalized_mark` column; compact, visual, spoken and initials
 * follow from the words. decodeAnalysis(encodeAnalysis(a), a.normalized) deep-equals `a`.
 */
export function encodeAnalysis(analysis: AnalyzedMark): string {
  const singulars = analysis.singulars.some((s, i) => s !== analysis.words[i]) ? analysis.singulars.map((s, i) => (s === analysis.words[i] ? 0 : s)) : 0;
  const concepts = analysis.concepts.some((c) => c !== null) ? analysis.concepts.map((c) => c ?? 0) : 0;
  const fullCompact = analysis.fullCompact === analysis.compact ? 0 : analysis.fullCompact;
  return JSON.stringify([analysis.words, singulars, analysis.codes, analysis.wholeCode, concepts, fullCompact]);
}

type EncodedAnalysis = [string[], Array<string | 0> | 0, string[][], string, Array<string | 0> | 0, string | 0];

/** The analysis a stored form (encodeAnalysis) holds, given the record's normalized text. */
export function decodeAnalysis(stored: string, normalized: string): AnalyzedMark {
  const [words, singulars, codes, wholeCode, concepts, fullCompact] = JSON.parse(stored) as EncodedAnalysis;
  const compact = words.join('');
  return {
    v: ANALYZER_VERSION,
    normalized,
    words,
    singulars: singulars === 0 ? [...words] : singulars.map((s, i) => (s === 0 ? words[i] : s)),
    compact,
    fullCompact: fullCompact === 0 ? compact : fullCompact,
    visual: words.map(visualWord).join(''),
    spoken: words.map(spokenWord).join(''),
    codes,
    wholeCode,
    concepts: concepts === 0 ? words.map(() => null) : concepts.map((c) => (c === 0 ? null : c)),
    initials: initialsVariants(words),
  };
}

/**
 * A record's analysis: its stored form when there is one (the candidate query joins only those of
 * ANALYZER_VERSION), else computed from its text.
 */
export function analysisOf(stored: string | null | undefined, text: string, normalized: string): AnalyzedMark {
  if (typeof stored === 'string' && stored !== '') return decodeAnalysis(stored, normalized);
  return analyzeMark(text);
}

/**
 * The search keys stored with a record (the `phonetic_keys` column, matched with `&&`) and asked
 * for by a query: the sound codes of each content word (written, singular, spoken), of the words
 * written together, `=concept` per word the meaning map knows, and `#initials` (also those of the
 * mark less one word, so CVH meets CEDAR VALLEY HEALTH GROUP). Deterministic order.
 */
export function searchKeys(analysis: AnalyzedMark, text: string): string[] {
  const keys = new Set(phoneticKeys(text));
  for (const codes of analysis.codes) for (const code of codes) keys.add(code);
  if (analysis.words.length > 1) for (const code of wordCodes(analysis.compact)) keys.add(code);
  for (const concept of analysis.concepts) if (concept !== null) keys.add(MEANING_KEY_PREFIX + concept);
  for (const initials of analysis.initials) keys.add(INITIALS_KEY_PREFIX + initials);
  return [...keys];
}

/**
 * Marks up to this many letters (the compact form) find their look-alikes by exact lookups of
 * lookalikeKeys instead of a trigram scan; longer marks keep the trigram scan, where one changed
 * letter costs only a small share of the trigrams. Records store keys up to one letter more, so
 * that a query of this length meets the records one letter longer.
 */
export const LOOKALIKE_MAX_LETTERS = 8;

/**
 * The one-letter deletion neighbourhood of a short mark (the `lookalike_keys` column, matched with
 * `&&`): its compact form (and its visual form, digits as letters, when that differs) and each of
 * them less one letter. Two forms within one edit (a substituted, inserted or deleted letter, or
 * two neighbours swapped) always share one of these keys, so a GIN lookup finds every such pair:
 * LYSIS/LYZIS, ZUMA/ZUMO, KESTREL/KSETREL, B0LT/BOLT. Empty (null in the column) for marks longer than
 * LOOKALIKE_MAX_LETTERS + 1. Deterministic order.
 */
export function lookalikeKeys(analysis: AnalyzedMark): string[] {
  const keys = new Set<string>();
  for (const form of [analysis.compact, analysis.visual]) {
    if (form.length < 2 || form.length > LOOKALIKE_MAX_LETTERS + 1) continue;
    keys.add(form);
    for (let i = 0; i < form.length; i++) keys.add(form.slice(0, i) + form.slice(i + 1));
  }
  return [...keys];
}
