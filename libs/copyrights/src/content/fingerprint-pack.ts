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

/** A DataView over exactly the buffer's bytes (inlined by the compiler, where Buffer's writeUInt32BE checks each call). */
const viewOf = (buffer: Buffer) => new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export function packFingerprints(fingerprints: readonly TextFingerprint[]): Buffer {
  const out = Buffer.allocUnsafe(fingerprints.length * PACKED_FINGERPRINT_BYTES);
  const view = viewOf(out);
  let at = 0;
  for (const f of fingerprints) {
    // Hashes are non-negative and below 2^53: the high word is exact.
    view.setUint32(at, Math.floor(f.hash / TWO_32));
    view.setUint32(at + 4, f.hash % TWO_32);
    view.setInt32(at + 8, f.position);
    view.setInt32(at + 12, f.start);
    view.setInt32(at + 16, f.end);
    at += PACKED_FINGERPRINT_BYTES;
  }
  return out;
}

/** The fingerprints of a packed set, in position order; with `keep`, only those whose hash it accepts. */
export function unpackFingerprints(packed: Buffer, keep?: (hash: number) => boolean): TextFingerprint[] {
  if (packed.length % PACKED_FINGERPRINT_BYTES !== 0) throw new Error(`A packed fingerprint set is a multiple of ${PACKED_FINGERPRINT_BYTES} bytes, not ${packed.length}`);
  const out: TextFingerprint[] = [];
  const view = viewOf(packed);
  for (let at = 0; at < packed.length; at += PACKED_FINGERPRINT_BYTES) {
    const hash = view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
    if (keep && !keep(hash)) continue;
    out.push({ hash, position: view.getInt32(at + 8), start: view.getInt32(at + 12), end: view.getInt32(at + 16) });
  }
  return out;
}
