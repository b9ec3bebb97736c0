import type { TextFingerprint } from './winnowing';

/**
 * A text's fingerprints as one `bytea` (copyright_text_fingerprint_sets.fingerprints): per
 * fingerprint, in position order, the hash as a big-endian int8, then the position, start and
 * end as big-endian int4s (20 bytes; the layout `int8send(hash) || int4send(position) || ...`
 * gives in SQL, which the migration from one row per fingerprint uses). One row per work instead
 * of one per fingerprint: a 500 KB text has about 17,000 fingerprints.
 */
export const PACKED_FINGERPRINT_BYTES = 20;

const TWO_32 = 0x1_0000_0000;

export function packFingerprints(fingerprints: readonly TextFingerprint[]): Buffer {
  const out = Buffer.allocUnsafe(fingerprints.length * PACKED_FINGERPRINT_BYTES);
  let at = 0;
  for (const f of fingerprints) {
    // Hashes are non-negative and below 2^53: the high word is exact.
    out.writeUInt32BE(Math.floor(f.hash / TWO_32), at);
    out.writeUInt32BE(f.hash % TWO_32, at + 4);
    out.writeInt32BE(f.position, at + 8);
    out.writeInt32BE(f.start, at + 12);
    out.writeInt32BE(f.end, at + 16);
    at += PACKED_FINGERPRINT_BYTES;
  }
  return out;
}

/** The fingerprints of a packed set, in position order; with `keep`, only those whose hash it accepts. */
export function unpackFingerprints(packed: Buffer, keep?: (hash: number) => boolean): TextFingerprint[] {
  if (packed.length % PACKED_FINGERPRINT_BYTES !== 0) throw new Error(`A packed fingerprint set is a multiple of ${PACKED_FINGERPRINT_BYTES} bytes, not ${packed.length}`);
  const out: TextFingerprint[] = [];
  for (let at = 0; at < packed.length; at += PACKED_FINGERPRINT_BYTES) {
    const hash = packed.readUInt32BE(at) * TWO_32 + packed.readUInt32BE(at + 4);
    if (keep && !keep(hash)) continue;
    out.push({ hash, position: packed.readInt32BE(at + 8), start: packed.readInt32BE(at + 12), end: packed.readInt32BE(at + 16) });
  }
  return out;
}
