import { bandRadii, imageVerdict, indexLevelOf, lookupHashes, MATCH_RULES, passages, textVerdict, worthComparing, worthComparingTerms } from './matching';
import { bandNeighbours, bands, hammingDistance } from './image-hash';
import { winnow } from './winnowing';

const WORDS = 'alder birch cedar dogwood elm fir ginkgo hazel juniper larch maple oak pine rowan spruce walnut willow yew'.split(' ');
function text(n: number, seed: number): string {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return `${WORDS[x % WORDS.length]}${(x >>> 9) % 50}`;
  }).join(' ');
}

describe('match rules', () => {
  it('needs enough shared fingerprints and enough containment either way', () => {
    expect(textVerdict(4, 10, 10).match).toBe(false);
    expect(textVerdict(MATCH_RULES.text.minShared, 1000, 1000).match).toBe(false);
    expect(textVerdict(300, 1000, 5000)).toMatchObject({
      containmentOfUpload: 0.3,
      containmentOfWork: 0.06,
      score: 0.3,
      match: true,
    });
    expect(textVerdict(300, 5000, 1000)).toMatchObject({
      containmentOfWork: 0.3,
      match: true,
    });
    expect(textVerdict(5, 0, 0).match).toBe(false);
  });

  it('takes an image as a copy when both hashes are close, or one is very close', () => {
    const a = { pHash: 0n, dHash: 0n };
    const bits = (n: number) => (1n << BigInt(n)) - 1n;
    expect(
      imageVerdict(a, {
        pHash: bits(MATCH_RULES.image.maxPHash),
        dHash: bits(MATCH_RULES.image.maxDHash),
      }).match,
    ).toBe(true);
    expect(
      imageVerdict(a, {
        pHash: bits(MATCH_RULES.image.maxPHash + 1),
        dHash: bits(MATCH_RULES.image.maxDHash),
      }).match,
    ).toBe(false);
    expect(
      imageVerdict(a, {
        pHash: bits(MATCH_RULES.image.strongPHash),
        dHash: bits(40),
      }).match,
    ).toBe(true);
    expect(
      imageVerdict(a, {
        pHash: bits(40),
        dHash: bits(MATCH_RULES.image.strongDHash),
      }).match,
    ).toBe(true);
    expect(imageVerdict(a, { pHash: bits(30), dHash: bits(30) })).toMatchObject({ pHashDistance: 30, dHashDistance: 30, match: false });
  });

  it('searches each band with a radius that cannot miss a pair within the threshold, and no wider', () => {
    expect(bandRadii(0)).toEqual([0, -1, -1, -1]);
    expect(bandRadii(3)).toEqual([0, 0, 0, 0]);
    expect(bandRadii(6)).toEqual([1, 1, 1, 0]);
    expect(bandRadii(7)).toEqual([1, 1, 1, 1]);
    expect(bandRadii(12)).toEqual([3, 2, 2, 2]);
    expect(bandRadii(14)).toEqual([3, 3, 3, 2]);
    let x = 987654321;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (const maxDistance of [0, 1, 5, 6, 7, 12, 13, 15]) {
      const radii = bandRadii(maxDistance);
      const found = (a: bigint, b: bigint) => bands(a).some((band, i) => bandNeighbours(band, radii[i]).includes(bands(b)[i]));
      for (let trial = 0; trial < 300; trial++) {
        const a = (BigInt(next()) << 32n) | BigInt(next());
        // Pairs exactly maxDistance apart, half of them with the flips packed into as few bands as possible.
        const flips = new Set<number>();
        const packed = trial % 2 === 0;
        while (flips.size < maxDistance) flips.add(packed ? (next() >>> 30) * 16 + (next() >>> 28) : next() >>> 26);
        let b = a;
        for (const bit of flips) b ^= 1n << BigInt(bit);
        expect(hammingDistance(a, b)).toBe(maxDistance);
        expect(found(a, b)).toBe(true);
      }
      // One bit more, spread as evenly as the radii allow, escapes every band: the radii are tight.
      const a = 0n;
      let b = 0n;
      radii.forEach((r, band) => {
        for (let bit = 0; bit <= r; bit++) b |= 1n << BigInt(48 - 16 * band + bit);
      });
      expect(hammingDistance(a, b)).toBe(maxDistance + 1);
      expect(found(a, b)).toBe(false);
    }
  });

  it('reports the shared passages with offsets in both texts, longest first', () => {
    const shared1 = text(60, 1);
    const shared2 = text(25, 2);
    const work = `${text(100, 3)} ${shared1} ${text(80, 4)} ${shared2} ${text(50, 5)}`;
    const upload = `${text(40, 6)} ${shared2} ${text(30, 7)} ${shared1} ${text(20, 8)}`;
    const w = winnow(work).fingerprints;
    const u = winnow(upload).fingerprints;
    const inUpload = new Set(u.map((f) => f.hash));
    const found = passages(u, w.filter((f) => inUpload.has(f.hash)));
    expect(found.length).toBeGreaterThanOrEqual(2);
    const [first, second] = found;
    expect(first.fingerprints).toBeGreaterThan(second.fingerprints);
    // Each passage lies within its shared block in both texts.
    expect(upload.slice(first.upload.start, first.upload.end)).toBe(work.slice(first.work.start, first.work.end));
    expect(shared1).toContain(upload.slice(first.upload.start, first.upload.end));
    expect(shared2).toContain(upload.slice(second.upload.start, second.upload.end));
    expect(passages(u, [])).toEqual([]);
  });

  it('looks up every fingerprint of a small upload, only the index hashes of a larger one', () => {
    const small = winnow(text(300, 11));
    const large = winnow(text(5000, 12));
    const distinct = (set: ReturnType<typeof winnow>) => [...new Set(set.fingerprints.map((f) => f.hash))];
    expect(distinct(small).length).toBeLessThanOrEqual(MATCH_RULES.text.lookupAllUpTo);
    expect(lookupHashes(distinct(small), small.indexHashes)).toEqual(distinct(small));
    expect(distinct(large).length).toBeGreaterThan(MATCH_RULES.text.lookupAllUpTo);
    expect(lookupHashes(distinct(large), large.indexHashes)).toEqual(large.indexHashes);
  });

  it('compares a candidate on its whole set only when enough of its index hashes were hit', () => {
    // Two long texts (about 4,000 level-0 index hashes, 15,000 fingerprints each: level 3, so they
    // can share about 560 posted hashes): a few stock phrases are not enough...
    expect(indexLevelOf(15000)).toBe(3);
    expect(worthComparing(3, 4000, 15000, 15000)).toBe(false);
    // ...a quarter of what a 15% containment predicts at their level is.
    const bar = Math.floor((4000 / 8) * MATCH_RULES.text.minContainment * MATCH_RULES.text.indexEvidence);
    expect(bar).toBeGreaterThan(3);
    expect(worthComparing(bar, 4000, 15000, 15000)).toBe(true);
    expect(worthComparing(bar - 1, 4000, 15000, 15000)).toBe(false);
    // A short work inside a long upload: its own few index hashes set the bar.
    expect(worthComparing(1, 4000, 60, 15000)).toBe(true);
    expect(worthComparing(0, 4000, 60, 15000)).toBe(false);
    // Real copies pass: a third of a text inside a long other text, each side posting and
    // looking up the hashes of its own level.
    const original = text(3000, 21);
    const copy = `${text(6000, 22)} ${original.split(' ').slice(1000, 2000).join(' ')} ${text(6000, 23)}`;
    const a = winnow(original);
    const b = winnow(copy);
    const fa = new Set(a.fingerprints.map((f) => f.hash)).size;
    const fb = new Set(b.fingerprints.map((f) => f.hash)).size;
    expect(indexLevelOf(fb)).toBeGreaterThan(indexLevelOf(fa));
    const looked = new Set(b.indexLevels[indexLevelOf(fb)]);
    const hitsOfA = a.indexLevels[indexLevelOf(fa)].filter((h) => looked.has(h)).length;
    expect(worthComparing(hitsOfA, b.indexHashes.length, fa, fb)).toBe(true);
  });

  it('chooses the index level by size: every index hash up to 2,048 fingerprints, then one level per doubling, at most the last level', () => {
    expect(indexLevelOf(0)).toBe(0);
    expect(indexLevelOf(2048)).toBe(0);
    expect(indexLevelOf(2049)).toBe(1);
    expect(indexLevelOf(8192)).toBe(2);
    expect(indexLevelOf(8193)).toBe(3);
    expect(indexLevelOf(16385)).toBe(4);
    expect(indexLevelOf(10_000_000)).toBe(4);
    expect(worthComparingTerms(100, 20000)).toMatchObject({ uploadLevel: 4, levelFrom: [2049, 4097, 8193, 16385] });
  });
});
