/**
 * Perceptual image hashes from grey-level pixels (the pixels come from `sharp`, see
 * content-analyzer.ts):
 *
 * - pHash: the image scaled to 32x32, a 2-D DCT-II, the 8x8 lowest frequencies without the DC
 *   term; each bit says whether a coefficient is above the median of the 63 (64 bits, the first
 *   always 0). It survives scaling, recompression and brightness or contrast changes.
 * - dHash: the image scaled to 9x8; each bit says whether a pixel is brighter than its right
 *   neighbour (64 bits). Cheap and robust to the same changes, with different failure modes.
 *
 * Both are compared by Hamming distance. Hashes are handled as unsigned 64-bit bigints here and
 * stored as signed int8 (`toSigned64`).
 */

export const PHASH_SIZE = 32;
export const DHASH_WIDTH = 9;
export const DHASH_HEIGHT = 8;

const DCT_COS: Float64Array[] = Array.from({ length: 8 }, (_, u) => {
  const row = new Float64Array(PHASH_SIZE);
  for (let x = 0; x < PHASH_SIZE; x++) row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
  return row;
});

/** pHash of 32x32 grey pixels (row-major, 1 byte each). */
export function pHash(pixels: Uint8Array): bigint {
  if (pixels.length !== PHASH_SIZE * PHASH_SIZE) throw new Error(`pHash needs ${PHASH_SIZE}x${PHASH_SIZE} grey pixels`);
  // Separable DCT, only the 8 lowest frequencies in each direction are needed.
  const rows = new Float64Array(PHASH_SIZE * 8);
  for (let y = 0; y < PHASH_SIZE; y++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      const cos = DCT_COS[u];
      for (let x = 0; x < PHASH_SIZE; x++) sum += pixels[y * PHASH_SIZE + x] * cos[x];
      rows[y * 8 + u] = sum;
    }
  }
  const coefficients: number[] = [];
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      const cos = DCT_COS[v];
      for (let y = 0; y < PHASH_SIZE; y++) sum += rows[y * 8 + u] * cos[y];
      coefficients.push(sum);
    }
  }
  const ac = coefficients.slice(1);
  const median = [...ac].sort((a, b) => a - b)[Math.floor(ac.length / 2)];
  let hash = 0n;
  for (let i = 0; i < 64; i++) hash = (hash << 1n) | (i > 0 && coefficients[i] > median ? 1n : 0n);
  return hash;
}

/** dHash of 9x8 grey pixels (row-major, 1 byte each). */
export function dHash(pixels: Uint8Array): bigint {
  if (pixels.length !== DHASH_WIDTH * DHASH_HEIGHT) throw new Error(`dHash needs ${DHASH_WIDTH}x${DHASH_HEIGHT} grey pixels`);
  let hash = 0n;
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    for (let x = 0; x < DHASH_WIDTH - 1; x++) hash = (hash << 1n) | (pixels[y * DHASH_WIDTH + x] > pixels[y * DHASH_WIDTH + x + 1] ? 1n : 0n);
  }
  return hash;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}

/** The unsigned 64-bit hash as PostgreSQL's signed int8. */
export function toSigned64(hash: bigint): bigint {
  return BigInt.asIntN(64, hash);
}

export function fromSigned64(value: bigint | string | number): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

/** The hash as 16 hex digits (how the API shows it). */
export function hashHex(hash: bigint): string {
  return BigInt.asUintN(64, hash).toString(16).padStart(16, '0');
}

/** Multi-index hashing: the 64 bits as 4 bands of 16 (most significant first), each indexed on its own. */
export const HASH_BANDS = 4;
export function bands(hash: bigint): number[] {
  const u = BigInt.asUintN(64, hash);
  return Array.from({ length: HASH_BANDS }, (_, i) => Number((u >> BigInt(48 - 16 * i)) & 0xffffn));
}

/**
 * Every 16-bit value within `radius` bits of `band` (1 + 16 + 120 values for radius 2; none for
 * a negative radius). A pair of hashes within HASH_BANDS * (radius + 1) - 1 bits agrees within
 * `radius` on at least one band (pigeonhole), so looking each band up with these values finds
 * every such pair (see bandRadii in matching.ts for radii that differ by band).
 */
export function bandNeighbours(band: number, radius: number): number[] {
  if (radius < 0) return [];
  const out = [band];
  let frontier = [band];
  const seen = new Set(out);
  for (let r = 0; r < radius; r++) {
    const next: number[] = [];
    for (const value of frontier) {
      for (let bit = 0; bit < 16; bit++) {
        const flipped = value ^ (1 << bit);
        if (!seen.has(flipped)) {
          seen.add(flipped);
          next.push(flipped);
        }
      }
    }
    out.push(...next);
    frontier = next;
  }
  return out;
}
