import { bandNeighbours, bands, dHash, fromSigned64, hammingDistance, hashHex, HASH_BANDS, pHash, toSigned64 } from './image-hash';

/** A 32x32 (or w x h) grey image from a function of the pixel position. */
function image(width: number, height: number, f: (x: number, y: number) => number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = Math.max(0, Math.min(255, Math.round(f(x, y))));
  return out;
}

describe('image hashes', () => {
  // A textured scene: 8x8 blocks of pseudo-random grey levels (rich in low frequencies, like a photo).
  const blocks = Array.from({ length: 64 }, (_, i) => 40 + (((i + 1) * 2654435761) >>> 0) % 170);
  const scene = (x: number, y: number) => blocks[Math.floor(y / 5) * 7 + Math.floor(x / 6)] * 0.8 + x + y * 0.5;

  it('pHash ignores a uniform brightness change and small noise, and tells different images apart', () => {
    const a = pHash(image(32, 32, scene));
    expect(hammingDistance(a, pHash(image(32, 32, (x, y) => scene(x, y) * 0.8 + 10)))).toBeLessThanOrEqual(4);
    expect(hammingDistance(a, pHash(image(32, 32, (x, y) => scene(x, y) + ((x * 7 + y * 13) % 5) - 2)))).toBeLessThanOrEqual(4);
    expect(hammingDistance(a, pHash(image(32, 32, (x, y) => 128 + 100 * Math.cos((x + y) / 3))))).toBeGreaterThan(16);
    // The DC bit is never set.
    expect(a >> 63n).toBe(0n);
  });

  it('dHash compares neighbours left to right', () => {
    expect(dHash(image(9, 8, (x) => 255 - x * 20))).toBe((1n << 64n) - 1n);
    expect(dHash(image(9, 8, (x) => x * 20))).toBe(0n);
  });

  it('refuses pixels of the wrong size', () => {
    expect(() => pHash(new Uint8Array(10))).toThrow();
    expect(() => dHash(new Uint8Array(10))).toThrow();
  });

  it('counts differing bits and converts to and from int8', () => {
    expect(hammingDistance(0n, (1n << 64n) - 1n)).toBe(64);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
    const h = 0xfedcba9876543210n;
    expect(toSigned64(h)).toBeLessThan(0n);
    expect(fromSigned64(toSigned64(h))).toBe(h);
    expect(fromSigned64(toSigned64(h).toString())).toBe(h);
    expect(hashHex(0xabcn)).toBe('0000000000000abc');
  });

  it('splits into 4 bands of 16 bits and enumerates neighbours within a radius', () => {
    expect(bands(0x0001000200030004n)).toEqual([1, 2, 3, 4]);
    expect(bandNeighbours(0, 0)).toEqual([0]);
    expect(bandNeighbours(0, 1)).toHaveLength(17);
    const two = bandNeighbours(0xbeef, 2);
    expect(two).toHaveLength(1 + 16 + 120);
    expect(new Set(two).size).toBe(two.length);
  });

  it('finds every hash within 4 * (radius + 1) - 1 bits through one of its bands (pigeonhole)', () => {
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let trial = 0; trial < 200; trial++) {
      const a = (BigInt(next()) << 32n) | BigInt(next());
      let b = a;
      const radius = 2;
      const flips = new Set<number>();
      while (flips.size < HASH_BANDS * (radius + 1) - 1) flips.add(next() % 64);
      for (const bit of flips) b ^= 1n << BigInt(bit);
      const found = bands(a).some((band, i) => bandNeighbours(band, radius).includes(bands(b)[i]));
      expect(found).toBe(true);
    }
  });
});
