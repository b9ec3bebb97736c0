import { indexLevelGuarantee, indexLevelWindow, normalizeToken, winnow, Winnower, WINNOW_GUARANTEE, WINNOW_INDEX_GUARANTEE, WINNOW_INDEX_LEVELS, WINNOW_INDEX_W, WINNOW_K, WINNOW_W } from './winnowing';

const WORDS = 'amber basin cedar delta ember fable garnet harbor island jasper kettle lantern meadow nectar orchard pebble quarry river saffron timber umber valley willow yonder zephyr'.split(' ');

/** A deterministic pseudo-random text of `n` words. */
function text(n: number, seed: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(`${WORDS[x % WORDS.length]}${(x >>> 8) % 7}`);
  }
  return out.join(' ');
}

const hashes = (t: string) => new Set(winnow(t).fingerprints.map((f) => f.hash));

describe('winnowing', () => {
  it('ignores case, accents, punctuation, whitespace and markup between words', () => {
    expect(normalizeToken('Éclair')).toBe('eclair');
    expect(hashes('The  QUICK, brown fox — jumps over the lazy dog.')).toEqual(hashes('the quick brown fox jumps over the lazy dog'));
    expect(hashes('café crème brûlée à la carte maison')).toEqual(hashes('Cafe Creme Brulee a la Carte Maison'));
  });

  it('gives the same fingerprints however the text is split into chunks', () => {
    const t = text(3000, 7);
    const whole = winnow(t);
    const pieces = new Winnower();
    for (let i = 0; i < t.length; i += 97) pieces.push(t.slice(i, i + 97));
    expect(pieces.finish()).toEqual(whole);
  });

  it('selects at least one fingerprint in every window of w k-grams (density about 2/(w+1))', () => {
    const { fingerprints, tokenCount } = winnow(text(5000, 3));
    expect(tokenCount).toBe(5000);
    const positions = fingerprints.map((f) => f.position);
    for (let i = 1; i < positions.length; i++) expect(positions[i] - positions[i - 1]).toBeLessThanOrEqual(WINNOW_W);
    expect(fingerprints.length / (tokenCount - WINNOW_K + 1)).toBeGreaterThan(1.5 / (WINNOW_W + 1));
    expect(fingerprints.length / (tokenCount - WINNOW_K + 1)).toBeLessThan(2.5 / (WINNOW_W + 1));
  });

  it('always finds a shared run of t = w + k - 1 tokens, and never one shorter than k', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const shared = text(WINNOW_GUARANTEE, 1000 + seed);
      const a = `${text(200, seed)} ${shared} ${text(200, seed + 77)}`;
      const b = `${text(150, seed + 500)} ${shared} ${text(180, seed + 900)}`;
      const inB = hashes(b);
      const common = [...hashes(a)].filter((h) => inB.has(h));
      expect(common.length).toBeGreaterThan(0);
    }
    const short = text(WINNOW_K - 1, 4242);
    const a = hashes(`${text(300, 1)} ${short} ${text(300, 2)}`);
    const b = hashes(`${text(300, 3)} ${short} ${text(300, 4)}`);
    expect([...a].filter((h) => b.has(h))).toEqual([]);
  });

  it('selects index hashes among the fingerprints, about 2/(W_INDEX+1) of the k-grams', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { fingerprints, indexHashes, tokenCount } = winnow(text(400 + seed * 97, seed));
      const all = new Set(fingerprints.map((f) => f.hash));
      expect(indexHashes.filter((h) => !all.has(h))).toEqual([]);
      expect(new Set(indexHashes).size).toBe(indexHashes.length);
      if (seed === 20) {
        const density = indexHashes.length / (tokenCount - WINNOW_K + 1);
        expect(density).toBeGreaterThan(1.5 / (WINNOW_INDEX_W + 1));
        expect(density).toBeLessThan(2.5 / (WINNOW_INDEX_W + 1));
      }
    }
    // A text shorter than one index window still has one (its minimum k-gram).
    expect(winnow(text(WINNOW_K + 3, 9)).indexHashes).toHaveLength(1);
    expect(winnow(text(WINNOW_K - 1, 9)).indexHashes).toEqual([]);
  });

  it('always shares an index hash over a shared run of W_INDEX + k - 1 tokens', () => {
    let sharedBelow = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const index = (t: string) => new Set(winnow(t).indexHashes);
      const shared = text(WINNOW_INDEX_GUARANTEE, 3000 + seed);
      const a = index(`${text(300, seed)} ${shared} ${text(300, seed + 77)}`);
      const b = index(`${text(250, seed + 500)} ${shared} ${text(280, seed + 900)}`);
      expect([...a].filter((h) => b.has(h)).length).toBeGreaterThan(0);
      // A run of only t = w + k - 1 tokens (the fingerprints' guarantee) is not guaranteed one, and is sometimes missed.
      const shorter = text(WINNOW_GUARANTEE, 3000 + seed);
      const c = index(`${text(300, seed)} ${shorter} ${text(300, seed + 77)}`);
      const d = index(`${text(250, seed + 500)} ${shorter} ${text(280, seed + 900)}`);
      if ([...c].some((h) => d.has(h))) sharedBelow++;
    }
    expect(sharedBelow).toBeLessThan(50);
  });

  it('derives each index level exactly as winnowing every k-gram with that level\'s window would', () => {
    // Long and short texts, texts shorter than a level's window, and tie-heavy ones (few distinct words).
    const samples = [text(5000, 31), text(1200, 32), text(300, 33), text(40, 34), text(WINNOW_K, 35), 'a b a b a b '.repeat(400), ''];
    for (const t of samples) {
      const set = winnow(t);
      expect(set.indexLevels).toHaveLength(WINNOW_INDEX_LEVELS);
      expect(set.indexLevels[0]).toEqual(set.indexHashes);
      for (let level = 1; level < WINNOW_INDEX_LEVELS; level++) {
        const direct = new Winnower(WINNOW_K, WINNOW_W, 200_000, indexLevelWindow(level));
        direct.push(t);
        expect(set.indexLevels[level]).toEqual(direct.finish().indexHashes);
        // Each level is a subset of the one below.
        const below = new Set(set.indexLevels[level - 1]);
        expect(set.indexLevels[level].filter((h) => !below.has(h))).toEqual([]);
      }
    }
    // About half as many hashes per level.
    const long = winnow(text(20000, 36));
    for (let level = 1; level < WINNOW_INDEX_LEVELS; level++) {
      const ratio = long.indexLevels[level].length / long.indexLevels[level - 1].length;
      expect(ratio).toBeGreaterThan(0.4);
      expect(ratio).toBeLessThan(0.6);
    }
  });

  it('shares a hash of the coarser level over a run of its guaranteed length, whatever the two texts\' levels', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const coarse = 1 + (seed % (WINNOW_INDEX_LEVELS - 1));
      const fine = seed % coarse;
      const shared = text(indexLevelGuarantee(coarse), 7000 + seed);
      const a = winnow(`${text(900, seed)} ${shared} ${text(700, seed + 77)}`);
      const b = winnow(`${text(250, seed + 500)} ${shared} ${text(1300, seed + 900)}`);
      // a posts the coarse level, b looks up the fine one (a long upload against a short work), and the other way round.
      const finer = new Set(b.indexLevels[fine]);
      expect(a.indexLevels[coarse].filter((h) => finer.has(h)).length).toBeGreaterThan(0);
      const coarser = new Set(b.indexLevels[coarse]);
      expect(a.indexLevels[fine].filter((h) => coarser.has(h)).length).toBeGreaterThan(0);
    }
  });

  it('keeps the character offsets of each selected k-gram', () => {
    const t = 'Alpha beta, gamma delta epsilon zeta eta theta iota kappa.';
    for (const f of winnow(t).fingerprints) {
      const words = t.slice(f.start, f.end).split(/[^A-Za-z]+/).filter(Boolean);
      expect(words).toHaveLength(WINNOW_K);
      expect(words[0]).toBe(t.match(/[A-Za-z]+/g)![f.position]);
    }
  });

  it('fingerprints a text shorter than one window, and none with fewer than k tokens', () => {
    expect(winnow('one two three four five six').fingerprints.length).toBeGreaterThan(0);
    expect(winnow('one two three four').fingerprints).toEqual([]);
    expect(winnow('').fingerprints).toEqual([]);
  });

  it('bounds a file of one endless word', () => {
    const result = winnow('x'.repeat(100_000));
    expect(result.tokenCount).toBe(Math.ceil(100_000 / 64));
  });
});
