import { packFingerprints, PACKED_FINGERPRINT_BYTES, unpackFingerprints } from './fingerprint-pack';
import { winnow } from './winnowing';

describe('packed fingerprint sets', () => {
  it('round-trips every field, hashes up to 2^53 - 1 included', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `word${(i * 7919) % 613}`).join(' ');
    const { fingerprints } = winnow(text);
    const edge = [
      { hash: Number.MAX_SAFE_INTEGER, position: 2 ** 31 - 1, start: 0, end: 1 },
      { hash: 0, position: 0, start: 5, end: 2 ** 31 - 1 },
      { hash: 2 ** 32, position: 1, start: 2, end: 3 },
    ];
    for (const set of [fingerprints, edge, []]) {
      const packed = packFingerprints(set);
      expect(packed.length).toBe(set.length * PACKED_FINGERPRINT_BYTES);
      expect(unpackFingerprints(packed)).toEqual(set);
    }
  });

  it('is big-endian int8 then three int4 (what int8send and int4send give in SQL)', () => {
    const packed = packFingerprints([{ hash: 0x0012_3456_789a_bcde, position: 1, start: 258, end: -1 }]);
    expect(packed.toString('hex')).toBe('00123456789abcde' + '00000001' + '00000102' + 'ffffffff');
  });

  it('reads and writes inside a pooled buffer at its own offset', () => {
    const set = [{ hash: 0x0012_3456_789a_bcde, position: 7, start: 8, end: 9 }];
    const pooled = Buffer.concat([Buffer.from('xyz'), packFingerprints(set)]).subarray(3);
    expect(unpackFingerprints(pooled)).toEqual(set);
  });

  it('keeps only the fingerprints whose hash is asked for, in order', () => {
    const set = [1, 2, 3, 2, 5].map((hash, position) => ({ hash, position, start: position, end: position + 1 }));
    expect(unpackFingerprints(packFingerprints(set), (h) => h === 2).map((f) => f.position)).toEqual([1, 3]);
  });

  it('refuses a set of the wrong length', () => {
    expect(() => unpackFingerprints(Buffer.alloc(21))).toThrow(/multiple of 20/);
  });
});
