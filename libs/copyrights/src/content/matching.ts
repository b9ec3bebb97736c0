import { hammingDistance, HASH_BANDS } from './image-hash';
import { WINNOW_INDEX_LEVELS, WINNOW_INDEX_W, WINNOW_K, WINNOW_W, type TextFingerprint } from './winnowing';

/**
 * When two contents count as near copies (thresholds measured by `npm run bench:copyrights` on
 * generated altered copies and unrelated documents: see bench/RESULTS.md).
 */
export const MATCH_RULES = {
  text: {
    /** Distinct shared fingerprints below this are chance (common phrases). */
    minShared: 5,
    /** Share of either side's distinct fingerprints found in the other. */
    minContainment: 0.15,
    /** Postings read per hash in the lookup. */
    perHash: 64,
    /** Shared index hashes that make a work a candidate (its fingerprints then decide). */
    minIndexShared: 1,
    /**
     * An upload with at most this many distinct fingerprints looks all of them up in the index
     * (cheap at that size): besides the index hashes' guarantee this finds most shared runs
     * shorter than WINNOW_INDEX_GUARANTEE tokens. Larger uploads look up their index hashes.
     */
    lookupAllUpTo: 512,
    /**
     * The index hashes sample the fingerprints, so a work that shares a share c of the smaller
     * side's fingerprints shares about c of its index hashes too. A candidate's whole set is
     * fetched and compared only when its shared index hashes reach this fraction of what
     * minContainment predicts (room for sampling noise): a few stock phrases shared with a long
     * work do not cost a fetch of its whole set.
     */
    indexEvidence: 0.25,
    /**
     * Index levels by size (see winnowing.ts): a text with more distinct fingerprints than
     * indexLevelAbove[j - 1] posts (and looks up) the hashes of index level j, about 2^-j of its
     * level-0 index hashes, so that a long text writes and looks up a few hundred postings where
     * it wrote thousands (each a random B-tree insert and probe: these were most of a 500 KB
     * text's upload). Up to 2,048 fingerprints (about 50 KB of text) every index hash is posted;
     * a 476 KB text (about 16,700) posts level 4, about 280 hashes instead of 4,550. The price is the guaranteed run length:
     * indexLevelGuarantee(j) tokens (36 at level 0, 267 at level 3, 531 at level 4, the cap)
     * between a text of level j and any other text; the comparison itself still runs on all the
     * fingerprints of the works the index finds.
     */
    indexLevelAbove: [2_048, 4_096, 8_192, 16_384],
  },
  image: {
    /** Hamming distances (of 64 bits) for a near copy: both hashes agree... */
    maxPHash: 12,
    maxDHash: 14,
    /** ...or one of them agrees very closely. */
    strongPHash: 6,
    strongDHash: 6,
  },
  /** At most this many candidates are examined per upload. */
  candidates: 50,
} as const;

/**
 * The search radius of each band so that every hash within `maxDistance` bits is a candidate:
 * the pigeonhole over HASH_BANDS bands, in the stricter form of multi-index hashing (Norouzi,
 * Punjani and Fleet, "Fast exact search in Hamming space with multi-index hashing", 2014).
 * With maxDistance = a * HASH_BANDS + b (0 <= b < HASH_BANDS), the first b + 1 bands are
 * searched within a bits and the others within a - 1 (-1: not searched): a hash that differs
 * in more than that on every band differs in at least (b + 1)(a + 1) + (HASH_BANDS - b - 1) a
 * = maxDistance + 1 bits. For 12 bits: 3, 2, 2, 2 (1,108 band values) instead of 3 on every
 * band (2,788 values, which reach 15 bits).
 */
export function bandRadii(maxDistance: number): number[] {
  const a = Math.floor(maxDistance / HASH_BANDS);
  const b = maxDistance % HASH_BANDS;
  return Array.from({ length: HASH_BANDS }, (_, band) => (band <= b ? a : a - 1));
}

/** The index level (see MATCH_RULES.text.indexLevelAbove) of a text with `distinctFingerprints` distinct fingerprints. */
export function indexLevelOf(distinctFingerprints: number): number {
  let level = 0;
  for (const above of MATCH_RULES.text.indexLevelAbove) if (distinctFingerprints > above) level++;
  return Math.min(level, WINNOW_INDEX_LEVELS - 1);
}

/** The hashes an upload looks up in the hash -> work index (see MATCH_RULES.text.lookupAllUpTo): `indexHashes` are those of its level. */
export function lookupHashes<T extends ArrayLike<number>, U extends ArrayLike<number>>(distinctFingerprints: T, indexHashes: U): T | U {
  return distinctFingerprints.length <= MATCH_RULES.text.lookupAllUpTo ? distinctFingerprints : indexHashes;
}

/**
 * Whether a candidate the index found is worth comparing on its whole fingerprint set (see
 * MATCH_RULES.text.indexEvidence): `indexShared` of its postings were hit; the upload has
 * `uploadIndexHashes` level-0 index hashes and `uploadFingerprints` distinct fingerprints, the
 * candidate `theirFingerprints` (its level-0 index hashes estimated from the two densities). The
 * hashes two texts can share in the index are those of the coarser of their two levels: about
 * 2^-level of the level-0 ones, level being that of the larger text (indexLevelOf is monotone).
 * Contents posted more densely (migrated with every hash posted, or posted before the levels)
 * share more, which only lowers the bar.
 */
export function worthComparing(indexShared: number, uploadIndexHashes: number, theirFingerprints: number, uploadFingerprints: number): boolean {
  const rules = MATCH_RULES.text;
  const theirIndexHashes = (theirFingerprints * (WINNOW_W + 1)) / (WINNOW_INDEX_W + 1);
  const sampled = 2 ** indexLevelOf(Math.max(uploadFingerprints, theirFingerprints));
  const expected = (Math.min(uploadIndexHashes, theirIndexHashes) / sampled) * rules.minContainment;
  return indexShared >= Math.max(rules.minIndexShared, Math.floor(expected * rules.indexEvidence));
}

/** worthComparing's terms for one upload, for a lookup that applies the rule in SQL (see SetFetchRule in the repository). */
export interface WorthComparingTerms {
  minShared: number;
  uploadIndexHashes: number;
  indexPerFingerprint: number;
  share: number;
  /** The upload's index level. */
  uploadLevel: number;
  /** The fingerprint counts from which each next level starts (indexLevelAbove + 1: the lower bounds of width_bucket). */
  levelFrom: number[];
}

export function worthComparingTerms(uploadIndexHashes: number, uploadFingerprints: number): WorthComparingTerms {
  const rules = MATCH_RULES.text;
  return {
    minShared: rules.minIndexShared,
    uploadIndexHashes,
    indexPerFingerprint: (WINNOW_W + 1) / (WINNOW_INDEX_W + 1),
    share: rules.minContainment * rules.indexEvidence,
    uploadLevel: indexLevelOf(uploadFingerprints),
    levelFrom: rules.indexLevelAbove.slice(0, WINNOW_INDEX_LEVELS - 1).map((above) => above + 1),
  };
}

export interface TextVerdict {
  sharedFingerprints: number;
  /** Share of the upload's distinct fingerprints found in the other work. */
  containmentOfUpload: number;
  /** Share of the other work's distinct fingerprints found in the upload. */
  containmentOfWork: number;
  score: number;
  match: boolean;
}

export function textVerdict(shared: number, uploadCount: number, otherCount: number): TextVerdict {
  const containmentOfUpload = uploadCount > 0 ? Math.min(1, shared / uploadCount) : 0;
  const containmentOfWork = otherCount > 0 ? Math.min(1, shared / otherCount) : 0;
  const score = Math.max(containmentOfUpload, containmentOfWork);
  return {
    sharedFingerprints: shared,
    containmentOfUpload: round(containmentOfUpload),
    containmentOfWork: round(containmentOfWork),
    score: round(score),
    match: shared >= MATCH_RULES.text.minShared && score >= MATCH_RULES.text.minContainment,
  };
}

export interface ImageVerdict {
  pHashDistance: number;
  dHashDistance: number;
  score: number;
  match: boolean;
}

export function imageVerdict(a: { pHash: bigint; dHash: bigint }, b: { pHash: bigint; dHash: bigint }): ImageVerdict {
  const p = hammingDistance(a.pHash, b.pHash);
  const d = hammingDistance(a.dHash, b.dHash);
  const rules = MATCH_RULES.image;
  const match = (p <= rules.maxPHash && d <= rules.maxDHash) || p <= rules.strongPHash || d <= rules.strongDHash;
  return { pHashDistance: p, dHashDistance: d, score: round(1 - Math.min(p, d) / 64), match };
}

export interface Passage {
  /** Character range in the uploaded text. */
  upload: { start: number; end: number };
  /** Character range in the matched work's text. */
  work: { start: number; end: number };
  fingerprints: number;
}

interface Located {
  hash: number;
  position: number;
  start: number;
  end: number;
}

/**
 * The matched passages: runs of shared fingerprints that follow each other in both texts (gaps
 * of at most w + k tokens, the winnowing density bound), longest first.
 */
export function passages(upload: TextFingerprint[], work: Located[], limit = 20): Passage[] {
  const gap = WINNOW_W + WINNOW_K;
  const inWork = new Map<number, Located[]>();
  for (const f of work) {
    const list = inWork.get(f.hash);
    if (list) list.push(f);
    else inWork.set(f.hash, [f]);
  }
  const runs: Array<{ u: Located[]; w: Located[] }> = [];
  let current: { u: Located[]; w: Located[] } | undefined;
  for (const u of upload) {
    const candidates = inWork.get(u.hash);
    if (!candidates) continue;
    if (current) {
      const lastU = current.u[current.u.length - 1];
      const lastW = current.w[current.w.length - 1];
      const expected = lastW.position + (u.position - lastU.position);
      const next = candidates.reduce((best, c) => (Math.abs(c.position - expected) < Math.abs(best.position - expected) ? c : best));
      if (u.position - lastU.position <= gap && Math.abs(next.position - expected) <= gap && next.position > lastW.position) {
        current.u.push(u);
        current.w.push(next);
        continue;
      }
    }
    current = { u: [u], w: [candidates[0]] };
    runs.push(current);
  }
  return runs
    .map((r) => ({
      upload: { start: r.u[0].start, end: r.u[r.u.length - 1].end },
      work: { start: Math.min(...r.w.map((f) => f.start)), end: Math.max(...r.w.map((f) => f.end)) },
      fingerprints: r.u.length,
    }))
    .sort((a, b) => b.fingerprints - a.fingerprints || a.upload.start - b.upload.start)
    .slice(0, limit);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
