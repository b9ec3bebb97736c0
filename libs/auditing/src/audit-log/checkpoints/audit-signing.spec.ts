import { generateKeyPairSync } from 'node:crypto';
import { checkpointSignatureValid, parseSigningKey, publicKeyInfo, signCheckpoint, type CheckpointPayload } from './audit-signing';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const payload: CheckpointPayload = {
  version: 1,
  database: 'clearmark',
  createdAt: '2026-12-02T08:00:00.000Z',
  lastSeq: '42',
  lastHash: 'a'.repeat(64),
  firstSeq: '1',
  firstHash: 'b'.repeat(64),
  count: 42,
  keyId: publicKeyInfo(privateKey).keyId,
};

describe('audit checkpoint signing', () => {
  it('reads the key as PEM, as PEM with \\n escapes on one line, and as base64 DER', () => {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    for (const form of [pem, pem.replace(/\n/g, '\\n'), der]) {
      expect(publicKeyInfo(parseSigningKey(form)).keyId).toBe(payload.keyId);
    }
  });

  it('refuses what is not an Ed25519 private key, without echoing it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => parseSigningKey(rsa)).toThrow(/rsa key, an Ed25519 key is wanted/);
    expect(() => parseSigningKey('not-a-key-secret')).toThrow(/not a PKCS#8 private key/);
    expect(() => parseSigningKey('not-a-key-secret')).not.toThrow(/secret/);
  });

  it('a signed checkpoint verifies with the public key; any changed field or another key does not', () => {
    const signed = signCheckpoint(payload, privateKey);
    const { publicKey } = publicKeyInfo(privateKey);
    expect(checkpointSignatureValid(signed, publicKey)).toBe(true);
    for (const change of [{ lastSeq: '41' }, { lastHash: 'c'.repeat(64) }, { count: 43 }, { firstSeq: '2' }, { database: 'other' }]) {
      expect(checkpointSignatureValid({ ...signed, ...change }, publicKey)).toBe(false);
    }
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(checkpointSignatureValid(signed, other)).toBe(false);
    expect(checkpointSignatureValid({ ...signed, signature: 'garbage' }, publicKey)).toBe(false);
  });
});
