import { distinctInOrder } from './hash-set';

/**
 * Text fingerprints by winnowing (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms
 * for document fingerprinting", SIGMOD 2003), over normalized word tokens rather than characters:
 *
 * - tokens are runs of letters, digits and combining marks, NFKD-folded, diacritics dropped,
 *   lower-cased (so case, accents, punctuation, whitespace and markup between words never matter);
 * - every k consecutive tokens (a k-gram) is hashed;
 * - in every window of w consecutive k-gram hashes the minimum is selected (the rightmost on a
 *   tie), and each selected (hash, position) is kept once ("robust winnowing").
 *
 * Guarantee: any run of at least t = w + k - 1 tokens shared by two texts yields at least one
 * shared fingerprint; runs shorter than k tokens never do (noise threshold). Each fingerprint
 * keeps the token position and the character offsets (in the extracted text) of its k-gram, so
 * matched passages can be reported.
 *
 * Index hashes: the same k-gram hashes winnowed a second time with a wider window (W_INDEX
 * k-grams) select about 2/(W_INDEX + 1) of the k-grams; these alone go into the hash -> work
 * index (copyright_text_postings), the full set is stored per work in one row. Any run of at
 * least W_INDEX + k - 1 tokens shared by two texts yields a shared index hash (the same
 * guarantee, one level up), and every index hash is also a fingerprint (the rightmost minimum
 * of a wide window is the rightmost minimum of each w-window inside it that contains it), so
 * the exact comparison runs on the fingerprints of the works the index finds.
 *
 * Index levels: a long text posts a coarser level of index hashes (see MATCH_RULES.text and
 * indexLevelOf in matching.ts), so that its postings stay a few hundred, not thousands. Level j
 * winnows the same k-gram hashes with a window of (W_INDEX + 1) * 2^j - 1 k-grams: about
 * 2^-j as many hashes as level 0, with the guarantee of any winnowing (a shared run of
 * (W_INDEX + 1) * 2^j + k - 2 tokens yields a shared level-j hash). The levels nest the way the
 * index hashes nest in the fingerprints: the rightmost minimum of a wide window is the rightmost
 * minimum of every narrower window inside it that contains it, so a level-j hash of a region is
 * a level-i hash (i < j) of any text sharing that region whole. Two texts at levels i < j that
 * share a run of level j's guaranteed length therefore share a hash of the coarser level j in
 * what one posts and the other looks up, whichever posts and whichever looks up. This is
 * winnowing applied twice, not sampling by value ("0 mod p", which Schleimer et al. show gives
 * no guarantee: a long shared run can hold no hash that is 0 mod p).
 *
 * The tokenizer and the winnower are incremental: text is fed chunk by chunk as it streams in.
 */

/** k: tokens per k-gram (noise threshold). */
export const WINNOW_K = 5;
/** w: k-grams per window. */
export const WINNOW_W = 8;
/** t = w + k - 1: the shared run length (in tokens) that is always detected. */
export const WINNOW_GUARANTEE = WINNOW_W + WINNOW_K - 1;
/** W_INDEX: k-grams per window of the second (index) winnowing. */
export const WINNOW_INDEX_W = 32;
/** The shared run length (in tokens) that always yields a shared index hash. */
export const WINNOW_INDEX_GUARANTEE = WINNOW_INDEX_W + WINNOW_K - 1;
/** Index levels 0 .. WINNOW_INDEX_LEVELS - 1 are computed for every text. */
export const WINNOW_INDEX_LEVELS = 5;
/** k-grams per window of index level j: (W_INDEX + 1) * 2^j - 1 (level 0: W_INDEX). */
export function indexLevelWindow(level: number): number {
  return (WINNOW_INDEX_W + 1) * 2 ** level - 1;
}
/** The shared run length (in tokens) that always yields a shared hash of index level j. */
export function indexLevelGuarantee(level: number): number {
  return indexLevelWindow(level) + WINNOW_K - 1;
}
/** Longer runs of letters are cut into tokens of this length (a file of one endless "word" stays bounded). */
const MAX_TOKEN_CHARS = 64;

export interface TextFingerprint {
  /** 53-bit k-gram hash (a safe JavaScript integer; stored as bigint). */
  hash: number;
  /** Index of the k-gram's first token. */
  position: number;
  /** Character offsets of the k-gram in the extracted text: [start, end). */
  start: number;
  end: number;
}

export interface TextFingerprintSet {
  fingerprints: TextFingerprint[];
  /** The distinct hashes selected by the index winnowing (each also a fingerprint's hash), in first-selection order. */
  indexHashes: number[];
  /**
   * The distinct hashes of each index level (see the header), in first-selection order:
   * `indexLevels[0]` is `indexHashes`, each next level about half the one before and a subset of it.
   */
  indexLevels: number[][];
  tokenCount: number;
  /** Extracted text length in characters (UTF-16 code units). */
  charCount: number;
  /** True when the fingerprint cap was reached and the rest of the text was not fingerprinted. */
  truncated: boolean;
}

/** The k-gram hash's polynomial factors, one per lane. */
const KGRAM_FACTOR_A = 0x9e3779b1;
const KGRAM_FACTOR_B = 0x85ebca77;

/** The smallest power of two holding n ring entries (so that a ring index is a mask, not a division). */
function ringSlots(n: number): number {
  let slots = 1;
  while (slots < n) slots *= 2;
  return slots;
}

/** FNV-1a over the token's UTF-16 code units, two independent 32-bit lanes. */
function tokenHash(token: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a >>> 0, b >>> 0];
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Whether the UTF-16 unit at i belongs to a token (ASCII decided inline; the rest by Unicode class). */
function isWordUnit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c >= 0xd800 && c <= 0xdbff) return WORD_CHAR.test(text.slice(i, i + 2));
  if (c >= 0xdc00 && c <= 0xdfff) return i > 0 && WORD_CHAR.test(text.slice(i - 1, i + 1));
  return WORD_CHAR.test(text[i]);
}

/** One token as the fingerprint sees it: NFKD, no combining marks, lower case. */
export function normalizeToken(raw: string): string {
  return raw.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Incremental fingerprinting: `push(text)` any number of times, then `finish()`. Memory is
 * the fingerprints kept (capped by `maxFingerprints`) plus a k-gram window. The per-token and
 * per-k-gram state lives in typed-array rings: only a selected k-gram becomes an object (a
 * 500 KB text has about 75,000 k-grams and 17,000 fingerprints, and allocating every k-gram
 * made the garbage collector the largest cost of an upload).
 */
export class Winnower {
  private readonly fingerprints: TextFingerprint[] = [];
  private carry = '';
  private carryStart = 0;
  private consumed = 0;
  private tokenCount = 0;
  // The last k tokens' hash lanes and offsets; the oldest at tokenCount % k (= nextSlot).
  private readonly ringA: Uint32Array;
  private readonly ringB: Uint32Array;
  private readonly ringStart: Float64Array;
  private readonly ringEnd: Float64Array;
  private nextSlot = 0;
  // The polynomial k-gram hash of the last k tokens in each lane, rolled token by token (mod
  // 2^32, so exactly what combining the k tokens afresh gives), and the oldest token's factor.
  private rollA = 0;
  private rollB = 0;
  private readonly oldestFactorA: number;
  private readonly oldestFactorB: number;
  // The current window's candidates (a monotonic deque of k-grams), as a ring of at least w
  // slots (a power of two, indexed by mask): entries head .. head + size - 1, increasing hash
  // from front to back.
  private readonly dequeMask: number;
  private readonly dequeHash: Float64Array;
  private readonly dequePosition: Float64Array;
  private readonly dequeStart: Float64Array;
  private readonly dequeEnd: Float64Array;
  private dequeHead = 0;
  private dequeSize = 0;
  // The same for the index winnowing's window (hashes and positions only).
  private readonly indexDequeMask: number;
  private readonly indexDequeHash: Float64Array;
  private readonly indexDequePosition: Float64Array;
  private indexDequeHead = 0;
  private indexDequeSize = 0;
  private lastIndexSelected = -1;
  /** Selected index hashes in selection order, repeats included (made distinct once, in finish: a Set of 53-bit doubles is slow). */
  private readonly indexSelected: number[] = [];
  /** The k-gram position of each entry of indexSelected (increasing). */
  private readonly indexSelectedPositions: number[] = [];
  private kgramCount = 0;
  private lastSelected = -1;
  private truncated = false;

  constructor(
    private readonly k = WINNOW_K,
    private readonly w = WINNOW_W,
    private readonly maxFingerprints = 200_000,
    private readonly indexW = WINNOW_INDEX_W,
  ) {
    this.ringA = new Uint32Array(k);
    this.ringB = new Uint32Array(k);
    this.ringStart = new Float64Array(k);
    this.ringEnd = new Float64Array(k);
    let factorA = 1;
    let factorB = 1;
    for (let j = 1; j < k; j++) {
      factorA = Math.imul(factorA, KGRAM_FACTOR_A);
      factorB = Math.imul(factorB, KGRAM_FACTOR_B);
    }
    this.oldestFactorA = factorA;
    this.oldestFactorB = factorB;
    const slots = ringSlots(w);
    this.dequeMask = slots - 1;
    this.dequeHash = new Float64Array(slots);
    this.dequePosition = new Float64Array(slots);
    this.dequeStart = new Float64Array(slots);
    this.dequeEnd = new Float64Array(slots);
    const indexSlots = ringSlots(indexW);
    this.indexDequeMask = indexSlots - 1;
    this.indexDequeHash = new Float64Array(indexSlots);
    this.indexDequePosition = new Float64Array(indexSlots);
  }

  /** Feeds the next piece of text (any split: a word cut between two pushes is joined). */
  push(text: string): void {
    if (this.truncated || text.length === 0) return;
    const chunk = this.carry + text;
    const chunkStart = this.carryStart;
    // Hold back a trailing partial token: it may continue in the next push.
    let cut = chunk.length;
    while (cut > 0 && isWordUnit(chunk, cut - 1) && chunk.length - cut < MAX_TOKEN_CHARS) cut--;
    if (cut === 0 && chunk.length < MAX_TOKEN_CHARS) {
      this.carry = chunk;
      this.consumed += text.length;
      return;
    }
    if (cut === 0) cut = chunk.length;
    this.scan(cut === chunk.length ? chunk : chunk.slice(0, cut), chunkStart);
    this.carry = chunk.slice(cut);
    this.carryStart = chunkStart + cut;
    this.consumed += text.length;
  }

  finish(): TextFingerprintSet {
    if (this.carry) this.scan(this.carry, this.carryStart);
    this.carry = '';
    // A text shorter than one window still gets its minimum (or its only k-gram).
    if (this.kgramCount > 0 && this.kgramCount < this.w && this.dequeSize > 0) this.select(this.dequeHead);
    if (this.kgramCount > 0 && this.kgramCount < this.indexW && this.indexDequeSize > 0) this.selectIndex(this.indexDequeHead);
    const indexHashes = distinctInOrder(this.indexSelected);
    const indexLevels = [indexHashes];
    for (let level = 1; level < WINNOW_INDEX_LEVELS; level++) indexLevels.push(distinctInOrder(coarserLevel(this.indexSelected, this.indexSelectedPositions, this.kgramCount, indexLevelWindow(level))));
    return { fingerprints: this.fingerprints, indexHashes, indexLevels, tokenCount: this.tokenCount, charCount: this.consumed, truncated: this.truncated };
  }

  private scan(text: string, base: number): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      // Skip separators; ASCII decided inline (most of any text), the rest by Unicode class.
      for (;;) {
        if (i >= n) return;
        const c = text.charCodeAt(i);
        if (c < 128 ? (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) : isWordUnit(text, i)) break;
        i++;
      }
      const start = i;
      // ASCII tokens (most of them) are lower-cased and hashed here without building strings.
      let ascii = true;
      let a = 0x811c9dc5;
      let b = 0x01000193 ^ 0x5bd1e995;
      while (i < n && i - start < MAX_TOKEN_CHARS) {
        let c = text.charCodeAt(i);
        if (c < 128) {
          if (c >= 65 && c <= 90) c |= 0x20;
          else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) break;
        } else {
          if (!isWordUnit(text, i)) break;
          ascii = false;
        }
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
        i++;
      }
      if (ascii) {
        this.addToken(a >>> 0, b >>> 0, base + start, base + i);
      } else {
        const token = normalizeToken(text.slice(start, i));
        if (token.length === 0) continue;
        const [ta, tb] = tokenHash(token);
        this.addToken(ta, tb, base + start, base + i);
      }
      if (this.truncated) return;
    }
  }

  private addToken(a: number, b: number, start: number, end: number): void {
    const k = this.k;
    const slot = this.nextSlot;
    // Polynomial combination of the k token hashes in each lane (h = h * factor + token, over
    // the k tokens oldest first, mod 2^32), rolled: the leaving token's term taken out first.
    let ra = this.rollA;
    let rb = this.rollB;
    if (this.tokenCount >= k) {
      ra = (ra - Math.imul(this.ringA[slot], this.oldestFactorA)) | 0;
      rb = (rb - Math.imul(this.ringB[slot], this.oldestFactorB)) | 0;
    }
    this.rollA = (Math.imul(ra, KGRAM_FACTOR_A) + a) | 0;
    this.rollB = (Math.imul(rb, KGRAM_FACTOR_B) + b) | 0;
    this.ringA[slot] = a;
    this.ringB[slot] = b;
    this.ringStart[slot] = start;
    this.ringEnd[slot] = end;
    this.nextSlot = slot + 1 === k ? 0 : slot + 1;
    this.tokenCount++;
    if (this.tokenCount >= k) this.addKgram(slot);
  }

  /** The k-gram of the last k tokens, the newest at ring slot `newest`. */
  private addKgram(newest: number): void {
    const w = this.w;
    const mask = this.dequeMask;
    // 21 bits of one lane and 32 of the other make a 53-bit hash that is exact as a JavaScript number.
    let ha = this.rollA;
    let hb = this.rollB;
    ha = Math.imul(ha ^ (ha >>> 16), 0x7feb352d) >>> 0;
    hb = Math.imul(hb ^ (hb >>> 13), 0xc2b2ae35) >>> 0;
    const hash = (ha & 0x1fffff) * 0x100000000 + hb;
    const position = this.tokenCount - this.k;
    const oldest = this.nextSlot;
    // Monotonic deque: drop candidates that can never be a window's (rightmost) minimum again.
    while (this.dequeSize > 0 && this.dequeHash[(this.dequeHead + this.dequeSize - 1) & mask] >= hash) this.dequeSize--;
    // The front leaves once it is older than the window (before the push: the ring has at least w slots).
    if (this.dequeSize > 0 && this.dequePosition[this.dequeHead] <= position - w) {
      this.dequeHead = (this.dequeHead + 1) & mask;
      this.dequeSize--;
    }
    const tail = (this.dequeHead + this.dequeSize) & mask;
    this.dequeHash[tail] = hash;
    this.dequePosition[tail] = position;
    this.dequeStart[tail] = this.ringStart[oldest];
    this.dequeEnd[tail] = this.ringEnd[newest];
    this.dequeSize++;
    this.kgramCount++;
    this.addIndexKgram(hash, position);
    if (this.kgramCount >= w) this.select(this.dequeHead);
  }

  /** The index winnowing: the same monotonic deque over a window of indexW k-grams. */
  private addIndexKgram(hash: number, position: number): void {
    const w = this.indexW;
    const mask = this.indexDequeMask;
    while (this.indexDequeSize > 0 && this.indexDequeHash[(this.indexDequeHead + this.indexDequeSize - 1) & mask] >= hash) this.indexDequeSize--;
    if (this.indexDequeSize > 0 && this.indexDequePosition[this.indexDequeHead] <= position - w) {
      this.indexDequeHead = (this.indexDequeHead + 1) & mask;
      this.indexDequeSize--;
    }
    const tail = (this.indexDequeHead + this.indexDequeSize) & mask;
    this.indexDequeHash[tail] = hash;
    this.indexDequePosition[tail] = position;
    this.indexDequeSize++;
    if (this.kgramCount >= w) this.selectIndex(this.indexDequeHead);
  }

  private selectIndex(slot: number): void {
    const position = this.indexDequePosition[slot];
    if (position === this.lastIndexSelected) return;
    this.lastIndexSelected = position;
    this.indexSelected.push(this.indexDequeHash[slot]);
    this.indexSelectedPositions.push(position);
  }

  private select(slot: number): void {
    const position = this.dequePosition[slot];
    if (position === this.lastSelected) return;
    this.lastSelected = position;
    this.fingerprints.push({ hash: this.dequeHash[slot], position, start: this.dequeStart[slot], end: this.dequeEnd[slot] });
    if (this.fingerprints.length >= this.maxFingerprints) this.truncated = true;
  }
}

/**
 * The selections (repeats by position dropped) of winnowing `kgrams` k-grams with a window of
 * `window` k-grams, from the selections of a narrower winnowing of the same k-grams (hashes and
 * their increasing positions): the rightmost minimum of each wide window is one of the narrow
 * selections (see the header), so a monotonic deque over those, moved from one window end where
 * the window's content changes (a selection enters at its position, leaves `window` later) to the
 * next, selects exactly what winnowing every k-gram with the wide window selects. About 5,000
 * selections for a 500 KB text, where a deque per level over its 75,000 k-grams would cost more.
 */
export function coarserLevel(hashes: readonly number[], positions: readonly number[], kgrams: number, window: number): number[] {
  const n = hashes.length;
  const out: number[] = [];
  if (n === 0) return out;
  // A text shorter than one window: its minimum (the rightmost on a tie).
  if (kgrams < window) {
    let best = 0;
    for (let i = 1; i < n; i++) if (hashes[i] <= hashes[best]) best = i;
    out.push(hashes[best]);
    return out;
  }
  // The deque holds indexes into hashes, increasing hash from front to back.
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let entering = 0;
  let lastSelected = -1;
  // Window ends where the content changes: the first full window, each entry, each exit (before the last k-gram).
  let end = window - 1;
  for (;;) {
    // Apply every entry at or before `end` and every exit (position <= end - window).
    while (entering < n && positions[entering] <= end) {
      const h = hashes[entering];
      while (tail > head && hashes[deque[tail - 1]] >= h) tail--;
      deque[tail++] = entering++;
    }
    while (tail > head && positions[deque[head]] <= end - window) head++;
    if (tail > head && positions[deque[head]] !== lastSelected) {
      lastSelected = positions[deque[head]];
      out.push(hashes[deque[head]]);
    }
    // The next window end where something enters or the front leaves.
    let next = entering < n ? positions[entering] : Infinity;
    if (tail > head) next = Math.min(next, positions[deque[head]] + window);
    if (next > kgrams - 1) break;
    end = next;
  }
  return out;
}

/** The fingerprints of a whole text at once. */
export function winnow(text: string, k = WINNOW_K, w = WINNOW_W): TextFingerprintSet {
  const winnower = new Winnower(k, w);
  winnower.push(text);
  return winnower.finish();
}
