import { distinctInOrder, distinctSorted, sortedHas } from './hash-set';

/** Deterministic 53-bit hashes with repeats. */
function hashes(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(x % 5 === 0 && i > 0 ? out[x % i] : (x & 0x1fffff) * 0x100000000 + ((Math.imul(x, 69069) + 1) >>> 0));
  }
  return out;
}

describe('hash sets', () => {
  it('answer what a Set answers', () => {
    for (const n of [0, 1, 2, 17, 5000]) {
      const h = hashes(n, n + 1);
      const set = new Set(h);
      expect(Array.from(distinctSorted(h))).toEqual([...set].sort((a, b) => a - b));
      expect(distinctInOrder(h)).toEqual([...set]);
      const sorted = distinctSorted(h);
      for (const probe of [...h.slice(0, 200), ...hashes(200, 99 + n), 0, 2 ** 53 - 1]) expect(sortedHas(sorted, probe)).toBe(set.has(probe));
    }
  });

  it('joins every 53-bit hash exactly, in plain decimal (a bigint[] literal)', () => {
    expect(distinctSorted([2 ** 53 - 1, 0, 4503599627370497, 12, 0]).join(',')).toBe('0,12,4503599627370497,9007199254740991');
  });
});
