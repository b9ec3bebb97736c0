/**
 * The analyzer: one function turns a mark into the forms every comparison reads, used identically
 * for a search's query and for each registry record (computed at import and stored, in the compact
 * form of encodeAnalysis, in `trademark_mark_analyses`, so a search compares precomputed forms).
 */
import { conceptOf } from './meaning.util';
import { INITIALS_KEY_PREFIX, initialsOf, markWords, MEANING_KEY_PREFIX, normalizeMark, phoneticCode, phoneticKeysOfNormalized, singularWord, STOP_WORDS } from './normalize';

/**
 * Bumped whenever the analysis of a text or the keys stored with it change; stored analyses of
 * another version are ignored by the search and rewritten (with the record's keys) by
 * `registry:reanalyze`. 2: look-alike deletion keys (lookalikeKeys). 3: look-alike keys per word
 * of a multi-word mark (wordLookalikeKeys), and the whole-mark keys of single words of any length.
 */
export const ANALYZER_VERSION = 3;

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

/**
 * The initialisms that stand for a mark of several words: its initials, and for a mark of 3 to 5
 * words those of the mark less its last word (CEDAR VALLEY HEALTH GROUP is CVH, SILVER PINE FOODS
 * is SP). Narrower than initialsVariants (the search keys, which also drop an inner word to find
 * candidates): an initialism skipping an inner word (SO for SILVER PINE ORGANICS) abbreviates no
 * part of the mark anyone reads as a unit.
 */
export function abbreviationsOf(words: readonly string[]): string[] {
  if (words.length < 2) return [];
  const out = new Set<string>();
  const full = initialsOf(words);
  if (full !== null) out.add(full);
  if (words.length >= 3 && words.length <= 5) {
    const lessLast = initialsOf(words.slice(0, -1));
    if (lessLast !== null) out.add(lessLast);
  }
  return [...out];
}

/** Analyzes a mark's text (see AnalyzedMark). Pure and deterministic. */
export function analyzeMark(text: string): AnalyzedMark {
  const normalized = normalizeMark(text);
  const split = splitElisions(text);
  const all = markWords(split === text ? normalized : normalizeMark(split));
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
export function searchKeys(analysis: AnalyzedMark): string[] {
  const keys = new Set(phoneticKeysOfNormalized(analysis.normalized));
  for (const codes of analysis.codes) for (const code of codes) keys.add(code);
  if (analysis.words.length > 1) for (const code of wordCodes(analysis.compact)) keys.add(code);
  for (const concept of analysis.concepts) if (concept !== null) keys.add(MEANING_KEY_PREFIX + concept);
  for (const initials of analysis.initials) keys.add(INITIALS_KEY_PREFIX + initials);
  return [...keys];
}

/**
 * Marks up to this many letters (the compact form) find their look-alikes by exact lookups of
 * lookalikeKeys; records store keys up to one letter more, so that a query of this length meets
 * the records one letter longer. A single word is keyed as a whole at any length (up to
 * LOOKALIKE_MAX_WORD_LETTERS), and a mark of several words also per word (wordLookalikeKeys).
 */
export const LOOKALIKE_MAX_LETTERS = 8;

/** Longer single words (and words of a mark) get no deletion keys: one edit in 25 letters is left to the other signals. */
export const LOOKALIKE_MAX_WORD_LETTERS = 24;

/** Prefix of a word look-alike key (`~kestrel`, `~kstrel`): a word of a mark of several words, not a whole mark. */
export const WORD_KEY_PREFIX = '~';

/** Words shorter than this get no word keys (2-letter words are initials, articles or noise). */
export const WORD_KEY_MIN_LETTERS = 3;

/** Words shorter than this get their exact key only: the deletions of a 3-letter word (2 letters) would match nearly anything. */
export const WORD_DELETION_MIN_LETTERS = 4;

/** A form and each of its one-letter deletions (the deletion neighbourhood), in order. */
function deletionNeighbourhood(form: string, into: Set<string>, prefix = ''): void {
  into.add(prefix + form);
  for (let i = 0; i < form.length; i++) into.add(prefix + form.slice(0, i) + form.slice(i + 1));
}

/**
 * The look-alike keys of one word as a word of a longer mark: `~word` and, for words of
 * WORD_DELETION_MIN_LETTERS or more, `~` each one-letter deletion (also of its visual form, digits
 * as letters). Two words within one edit share one of these keys, as whole marks do (lookalikeKeys).
 * Empty for words shorter than WORD_KEY_MIN_LETTERS or longer than LOOKALIKE_MAX_WORD_LETTERS.
 */
export function wordLookalikeKeys(word: string): string[] {
  const keys = new Set<string>();
  for (const form of new Set([word, visualWord(word)])) {
    if (form.length < WORD_KEY_MIN_LETTERS || form.length > LOOKALIKE_MAX_WORD_LETTERS) continue;
    if (form.length < WORD_DELETION_MIN_LETTERS) keys.add(WORD_KEY_PREFIX + form);
    else deletionNeighbourhood(form, keys, WORD_KEY_PREFIX);
  }
  return [...keys];
}

/**
 * The keys of a word read as a whole mark (what a record made of that word alone stores): its
 * one-letter deletion neighbourhood, also of its visual form (the word alone for a word of 3 letters;
 * none for a shorter one). A query of several words looks these
 * up to meet the records that are one of its words alone (KESTREL FOODS and KESTREL).
 */
export function wholeWordKeys(word: string): string[] {
  const keys = new Set<string>();
  for (const form of new Set([word, visualWord(word)])) {
    if (form.length < WORD_KEY_MIN_LETTERS || form.length > LOOKALIKE_MAX_WORD_LETTERS) continue;
    if (form.length < WORD_DELETION_MIN_LETTERS) keys.add(form);
    else deletionNeighbourhood(form, keys);
  }
  return [...keys];
}

/**
 * The look-alike keys of a mark (the `lookalike_keys` column, matched with `&&`):
 *
 * - the whole mark's one-letter deletion neighbourhood: its compact form (and its visual form,
 *   digits as letters, when that differs) and each of them less one letter, for a mark of up to
 *   LOOKALIKE_MAX_LETTERS + 1 letters or a single word of any length (up to
 *   LOOKALIKE_MAX_WORD_LETTERS). Two forms within one edit (a substituted, inserted or deleted
 *   letter, or two neighbours swapped) always share one of these keys, so a GIN lookup finds every
 *   such pair: LYSIS/LYZIS, ZUMA/ZUMO, KESTREL/KSETREL, B0LT/BOLT;
 * - a longer mark of several words keeps its compact form alone (LIGHT HOUSE meets LIGHTHOUSE);
 * - a mark of several words also has each word's keys (wordLookalikeKeys, `~` keys), so that a
 *   query sharing a look-alike word finds it by exact lookups instead of a trigram scan.
 *
 * Deterministic order.
 */
export function lookalikeKeys(analysis: AnalyzedMark): string[] {
  const keys = new Set<string>();
  const single = analysis.words.length <= 1;
  for (const form of [analysis.compact, analysis.visual]) {
    if (form.length < 2) continue;
    if (form.length <= LOOKALIKE_MAX_LETTERS + 1 || (single && form.length <= LOOKALIKE_MAX_WORD_LETTERS)) deletionNeighbourhood(form, keys);
    else if (!single) keys.add(form);
  }
  if (!single) for (const word of analysis.words) for (const key of wordLookalikeKeys(word)) keys.add(key);
  return [...keys];
}
