/**
 * Pure text functions shared by the registry import (to fill `normalized_mark` and
 * `phonetic_keys`) and by the search (to treat the query the same way). Deterministic (the
 * only state is the bounded memo of phonetic codes): a record normalized at import must compare equal to the same text typed later.
 */
import { conceptOf } from './meaning.util';

/** Number words examiners treat as the numeral (4 / FOR / FOUR). Token-level only. */
const NUMBER_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  one: '1',
  two: '2',
  too: '2',
  to: '2',
  three: '3',
  four: '4',
  for: '4',
  fore: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  ate: '8',
  nine: '9',
  ten: '10',
};

/** Company-form words that carry no trademark meaning; removed only at the end of the mark. */
const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'srl',
  'bv',
  'nv',
  'pty',
]);

/** Letters that NFKD does not decompose into base + mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Words too common to be a useful phonetic or shared-word signal on their own. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'the',
  'and',
  'of',
  'a',
  'an',
  'in',
  'on',
  'by',
  'with',
  'or',
  // Articles and prepositions of the foreign words the meaning map knows (ARBOL DE ORO).
  'de',
  'del',
  'du',
  'des',
  'la',
  'le',
  'les',
  'el',
  'los',
  'las',
  'di',
  'della',
  'der',
  'die',
  'das',
  'y',
  'et',
  'und',
]);

/** Prefix of a meaning key (the English head word of a word, see meaning.util). */
export const MEANING_KEY_PREFIX = '=';
/** Prefix of an initials key (CEDAR VALLEY HEALTH -> #cvh; the query CVH -> #cvh). */
export const INITIALS_KEY_PREFIX = '#';

/**
 * The initials a mark may stand for or be abbreviated to: the first letters of its words when it
 * has two to five, or the mark itself when it is one short all-letter word (2 to 4 letters).
 */
export function initialsOf(words: readonly string[]): string | null {
  if (words.length >= 2 && words.length <= 5 && words.every((w) => /^[a-z]/.test(w))) return words.map((w) => w[0]).join('');
  if (words.length === 1 && /^[a-z]{2,4}$/.test(words[0])) return words[0];
  return null;
}

/**
 * Normalizes a mark for comparison: lower case, diacritics folded, `&`/`+` read as AND, apostrophes
 * and dots inside words dropped (MCDONALD'S, A.B.C.), other punctuation as spaces, number words as
 * numerals (FOUR, FOR -> 4), trailing legal suffixes (INC, LLC, CORP, LTD, CO...) removed,
 * whitespace collapsed. Returns '' for text without letters or digits.
 */
export function normalizeMark(text: string): string {
  let s: string;
  // Printable ASCII (most marks) has no mark to fold, nor a special letter: lower case is all.
  if (PRINTABLE_ASCII.test(text)) s = text.toLowerCase();
  else {
    s = text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
    s = s.replace(/[ßæœøłđðþı]/g, (ch) => SPECIAL_LETTERS[ch] ?? ch);
  }
  s = s.replace(/[&+]/g, ' and ');
  s = s.replace(/['’`´.]/g, '');
  s = s.replace(/[^a-z0-9]+/g, ' ').trim();
  if (s === '') return '';
  const words = s.split(' ').map((w) => NUMBER_WORDS[w] ?? w);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1])) words.pop();
  // A trailing "and" left by "SMITH & CO" means nothing once the suffix is gone.
  while (words.length > 1 && words[words.length - 1] === 'and') words.pop();
  return words.join(' ');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Words of a normalized mark (split on spaces). */
export function markWords(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}

const VOWELS = new Set(['A', 'E', 'I', 'O', 'U', 'Y']);
const isVowel = (ch: string | undefined): boolean => ch !== undefined && VOWELS.has(ch);
const isFront = (ch: string | undefined): boolean => ch === 'E' || ch === 'I' || ch === 'Y';

/**
 * A compact metaphone-style code of one word: a consonant skeleton in which letters that sound
 * alike share a code (C/K/Q -> K, PH/V -> F, Z -> S, SH/CH -> X, TH -> 0, soft G/DG -> J), silent
 * initial letters (KN, GN, PN, WR) and silent GH are dropped, W/H/Y count only before a vowel,
 * doubled codes collapse, and a leading vowel is kept as 'A'. `alternate` reads CH as K and soft G
 * as K and TH as T (readings double metaphone also offers). Digits are kept as they are.
 */
export function phoneticCode(word: string, alternate = false): string {
  const cache = alternate ? ALTERNATE_CODES : PRIMARY_CODES;
  let code = cache.get(word);
  if (code === undefined) {
    code = computePhoneticCode(word, alternate);
    // Marks repeat the same words: scoring 200 candidates asks for the same codes again and again.
    if (cache.size >= CODE_CACHE_SIZE) cache.clear();
    cache.set(word, code);
  }
  return code;
}

/**
 * The memo of phonetic codes, each emptied when it reaches CODE_CACHE_SIZE words: a plain Map,
 * because the import asks for some 15 codes a mark and an LRU's bookkeeping cost more per lookup
 * (about 7 us a record) than the codes it saved.
 */
const CODE_CACHE_SIZE = 50_000;
const PRIMARY_CODES = new Map<string, string>();
const ALTERNATE_CODES = new Map<string, string>();

function computePhoneticCode(word: string, alternate: boolean): string {
  const w = word.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (w === '') return '';
  if (/^[0-9]+$/.test(w)) return w;
  let i = 0;
  let out = '';
  const push = (code: string): void => {
    if (code !== '' && !out.endsWith(code)) out += code;
  };
  if (/^(KN|GN|PN|WR|AE)/.test(w)) i = 1;
  if (w.startsWith('X')) {
    push('S');
    i = 1;
  } else if (w.startsWith('WH')) {
    push('W');
    i = 2;
  }
  if (i === 0 && isVowel(w[0]) && w[0] !== 'Y') {
    out = 'A';
    i = 1;
  }
  for (; i < w.length; i++) {
    const c = w[i];
    const next = w[i + 1];
    const prev = w[i - 1];
    if (/[0-9]/.test(c)) {
      out += c;
      continue;
    }
    if (c === prev && c !== 'C') continue;
    switch (c) {
      case 'A':
      case 'E':
      case 'I':
      case 'O':
      case 'U':
        // A vowel separates consonants, so "KAK" keeps both Ks.
        if (out !== '' && !out.endsWith('|')) out += '|';
        break;
      case 'B':
        if (!(prev === 'M' && i === w.length - 1)) push('P');
        break;
      case 'C':
        if (next === 'H') {
          push(alternate ? 'K' : 'X');
          i++;
        } else if (next === 'K' || next === 'Q') {
          push('K');
          i++;
        } else if (next === 'I' && w[i + 2] === 'A') push('X');
        else if (isFront(next)) push('S');
        else push('K');
        break;
      case 'D':
        if (next === 'G' && isFront(w[i + 2])) {
          push('J');
          i++;
        } else push('T');
        break;
      case 'G':
        if (next === 'H') {
          if (i === 0) push('K');
          else if (!isVowel(w[i + 2]) && i + 2 < w.length) {
            /* silent: NIGHT */
          } else if (i + 2 >= w.length) push(alternate ? '' : 'F');
          else push('K');
          i++;
        } else if (next === 'N' && (i + 2 === w.length || (w[i + 2] === 'E' && w[i + 3] === 'D'))) {
          /* silent: SIGN, SIGNED */
        } else if (isFront(next) && !alternate) push('J');
        else push('K');
        break;
      case 'H':
        if (isVowel(next) && !'CSPTG'.includes(prev ?? '')) push('H');
        break;
      case 'K':
        if (prev !== 'C') push('K');
        break;
      case 'P':
        if (next === 'H') {
          push('F');
          i++;
        } else push('P');
        break;
      case 'Q':
        push('K');
        if (next === 'U') {
          push('W');
          i++;
        }
        break;
      case 'S':
        if (next === 'H' || (next === 'I' && (w[i + 2] === 'O' || w[i + 2] === 'A'))) {
          push('X');
          if (next === 'H') i++;
        } else if (next === 'C' && w[i + 2] === 'H') {
          push('S');
          push('K');
          i += 2;
        } else push('S');
        break;
      case 'T':
        if (next === 'I' && (w[i + 2] === 'O' || w[i + 2] === 'A')) push('X');
        else if (next === 'H') {
          push(alternate ? 'T' : '0');
          i++;
        } else if (!(next === 'C' && w[i + 2] === 'H')) push('T');
        break;
      case 'V':
        push('F');
        break;
      case 'W':
      case 'Y':
        if (isVowel(next)) push(c);
        else if (out !== '' && !out.endsWith('|')) out += '|';
        break;
      case 'X':
        push('K');
        push('S');
        break;
      case 'Z':
        push('S');
        break;
      default:
        push(c);
    }
  }
  // Separators only kept equal codes apart across a vowel (KAK stays KK); they carry no sound.
  return out.replace(/\|/g, '');
}

/** Singular reading of a word for plural-insensitive keys (MARKS -> MARK, BERRIES -> BERRY). */
export function singularWord(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) {
    return word.slice(0, -1);
  }
  return word;
}

/**
 * Search keys of a mark (the `phonetic_keys` column, matched with `&&`): for each word that is
 * not a stop word, the primary and alternate phonetic codes of the word and of its singular; for
 * a mark of several words, also the codes of the words written together (so KWIK E MART meets
 * KWIKEMART); `=concept` for each word the meaning map knows (LUPO and WOLF -> =wolf); and
 * `#initials` (see initialsOf). Deduplicated, in first-seen order, so the result is
 * deterministic. Codes shorter than 2 characters are dropped unless they are numerals.
 */
export function phoneticKeys(text: string): string[] {
  return phoneticKeysOfNormalized(normalizeMark(text));
}

/** phoneticKeys of a text whose normalizeMark is `normalized`. */
export function phoneticKeysOfNormalized(normalized: string): string[] {
  const words = markWords(normalized);
  const keys = new Set<string>();
  const add = (word: string): void => {
    for (const alt of [false, true]) {
      const code = phoneticCode(word, alt);
      if (code.length >= 2 || /^[0-9]+$/.test(code)) keys.add(code);
    }
  };
  const content = words.filter((word) => !STOP_WORDS.has(word));
  for (const word of content) {
    add(word);
    const singular = singularWord(word);
    if (singular !== word) add(singular);
  }
  if (content.length > 1) add(content.join(''));
  for (const word of content) {
    const concept = conceptOf(word) ?? conceptOf(singularWord(word));
    if (concept !== null) keys.add(MEANING_KEY_PREFIX + concept);
  }
  const initials = initialsOf(content);
  if (initials !== null) keys.add(INITIALS_KEY_PREFIX + initials);
  return [...keys];
}
