import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * An Ed25519 private key from AUDIT_SIGNING_KEY: a PKCS#8 PEM (`openssl genpkey -algorithm
 * ed25519`, newlines as is or written `\n` on one line), or the base64 of its DER. Throws a
 * message that never contains the key.
 */
export function parseSigningKey(value: string): KeyObject {
  const text = value.trim().replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    key = text.startsWith('-----BEGIN')
      ? createPrivateKey({ key: text, format: 'pem' })
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('is not a PKCS#8 private key (PEM, or base64 of the DER); make one with: openssl genpkey -algorithm ed25519');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`is a ${key.asymmetricKeyType ?? 'unknown'} key, an Ed25519 key is wanted`);
  return key;
}

export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  /** The first 16 bytes of the SHA-256 of the SPKI DER, hex: names the key in every checkpoint. */
  keyId: string;
  /** SPKI PEM. */
  publicKey: string;
}

export function publicKeyInfo(privateKey: KeyObject): PublicKeyInfo {
  const pub = createPublicKey(privateKey);
  const der = pub.export({ format: 'der', type: 'spki' });
  return {
    algorithm: 'Ed25519',
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 32),
    publicKey: pub.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** What a checkpoint vouches for: the chain as it stood when it was written. */
export interface CheckpointPayload {
  version: 1;
  /** current_database(): checkpoints of several databases may share AUDIT_DIGEST_DIR. */
  database: string;
  createdAt: string;
  /** The newest row: seq (decimal string) and hash; null when the log was empty. */
  lastSeq: string | null;
  lastHash: string | null;
  /** The oldest row (a purge moves it forward, and says so in an audit.purge event). */
  firstSeq: string | null;
  firstHash: string | null;
  /** Rows in the log. */
  count: number;
  keyId: string;
}

export interface SignedCheckpoint extends CheckpointPayload {
  /** Ed25519 over canonicalCheckpoint(payload), base64. */
  signature: string;
}

/** The signed text: the payload's fields in a fixed order, as JSON. */
export function canonicalCheckpoint(p: CheckpointPayload): string {
  return JSON.stringify([p.version, p.database, p.createdAt, p.lastSeq, p.lastHash, p.firstSeq, p.firstHash, p.count, p.keyId]);
}

export function signCheckpoint(payload: CheckpointPayload, privateKey: KeyObject): SignedCheckpoint {
  const signature = sign(null, Buffer.from(canonicalCheckpoint(payload), 'utf8'), privateKey).toString('base64');
  return { ...payload, signature };
}

/** True when the checkpoint's signature is the key's over its own fields. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKey: KeyObject | string): boolean {
  try {
    const payload: CheckpointPayload = {
      version: checkpoint.version,
      database: checkpoint.database,
      createdAt: checkpoint.createdAt,
      lastSeq: checkpoint.lastSeq,
      lastHash: checkpoint.lastHash,
      firstSeq: checkpoint.firstSeq,
      firstHash: checkpoint.firstHash,
      count: checkpoint.count,
      keyId: checkpoint.keyId,
    };
    return verify(null, Buffer.from(canonicalCheckpoint(payload), 'utf8'), publicKey, Buffer.from(String(checkpoint.signature), 'base64'));
  } catch {
    return false;
  }
}
