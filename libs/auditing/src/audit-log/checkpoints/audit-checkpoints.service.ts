import { Injectable, Logger } from '@nestjs/common';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { InjectConfig } from '@app/config';
import type { DbTransaction } from '@app/database';
import { AUDITING_CONFIG, type AuditingConfig } from '../../auditing.config';
import { AuditLogRepository, type CheckpointState } from '../audit-log.repository';
import { checkpointSignatureValid, parseSigningKey, publicKeyInfo, signCheckpoint, type PublicKeyInfo, type SignedCheckpoint } from './audit-signing';

/** Why a checkpoint and the log disagree. */
export type CheckpointFinding =
  | 'checkpoint-signature-invalid'
  /** The row the checkpoint ended at has another hash now: the chain was rewritten. */
  | 'checkpoint-mismatch'
  /** The checkpoint's last row is gone and no purge removed it: rows were deleted at the tail. */
  | 'tail-deleted'
  /** The checkpoint's first row is gone (or changed) and no purge explains it. */
  | 'head-deleted'
  /** Fewer (or more) rows up to the checkpoint than it counted, with no purge since. */
  | 'count-mismatch';

/** Compares the log with a checkpoint (already known to be authentic); null when they agree. */
export function compareWithCheckpoint(checkpoint: SignedCheckpoint, state: CheckpointState): CheckpointFinding | null {
  const purged = (seq: string | null) => seq !== null && state.purgedThrough !== null && BigInt(state.purgedThrough) >= BigInt(seq);
  if (checkpoint.lastSeq === null) return null;
  if (state.lastHash === null) return purged(checkpoint.lastSeq) ? null : 'tail-deleted';
  if (state.lastHash !== checkpoint.lastHash) return 'checkpoint-mismatch';
  if (state.firstHash === null && !purged(checkpoint.firstSeq)) return 'head-deleted';
  if (state.firstHash !== null && state.firstHash !== checkpoint.firstHash) return 'checkpoint-mismatch';
  if (state.purgesSince === 0 && state.countThroughLast !== checkpoint.count) return 'count-mismatch';
  return null;
}

export interface CheckpointCheck {
  /** The latest checkpoint's file (relative to AUDIT_DIGEST_DIR), time, last seq and count. */
  file: string;
  createdAt: string;
  lastSeq: string | null;
  count: number;
  finding: CheckpointFinding | null;
}

let processKey: KeyObject | undefined;

/**
 * Anchors the audit chain outside the database: a signed checkpoint (last seq, last hash, first
 * seq and hash, count) written every few minutes to AUDIT_DIGEST_DIR, like CloudTrail's digest
 * files. Whoever rewrites the table, even its owner recomputing every hash, cannot make the row
 * a checkpoint ended at match it again, nor sign a new checkpoint without the key.
 */
@Injectable()
export class AuditCheckpoints {
  private readonly logger = new Logger(AuditCheckpoints.name);
  private key?: KeyObject;

  constructor(
    private readonly audit: AuditLogRepository,
    @InjectConfig(AUDITING_CONFIG) private readonly config: AuditingConfig,
  ) {}

  /** The signing key: AUDIT_SIGNING_KEY, the development key file (made on first use), or a per-process test key. */
  private signingKey(): KeyObject {
    if (this.key) return this.key;
    const source = this.config.checkpoints.signingKey;
    if (source.kind === 'env') this.key = source.key;
    else if (source.kind === 'ephemeral') this.key = processKey ??= generateKeyPairSync('ed25519').privateKey;
    else this.key = this.developmentKey(source.path);
    return this.key;
  }

  private developmentKey(path: string): KeyObject {
    try {
      return parseSigningKey(readFileSync(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path}: ${(error as Error).message}`);
    }
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    mkdirSync(dirname(path), { recursive: true });
    try {
      // wx: the api and the worker may both start first; the loser reads the winner's key.
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
      this.logger.warn(`AUDIT_SIGNING_KEY is not set: generated a development key in ${path} (set AUDIT_SIGNING_KEY in production)`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return parseSigningKey(readFileSync(path, 'utf8'));
  }

  publicKey(): PublicKeyInfo {
    return publicKeyInfo(this.signingKey());
  }

  private folder(database: string): string {
    return join(this.config.checkpoints.digestDir, database.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  /**
   * Writes a checkpoint of the log as it stands; skipped (null) when nothing was added since
   * the latest one.
   */
  async write(now = new Date()): Promise<{ file: string; checkpoint: SignedCheckpoint } | null> {
    const ends = await this.audit.chainEnds();
    const latest = this.latest(ends.database);
    if (latest && latest.checkpoint.lastSeq === ends.lastSeq && latest.checkpoint.count === ends.count) return null;
    const checkpoint = signCheckpoint(
      { version: 1, ...ends, createdAt: now.toISOString(), keyId: this.publicKey().keyId },
      this.signingKey(),
    );
    const folder = this.folder(ends.database);
    mkdirSync(folder, { recursive: true });
    const stamp = checkpoint.createdAt.replace(/[-:.]/g, '');
    const file = join(folder, `${stamp}-${(ends.lastSeq ?? '0').padStart(19, '0')}.json`);
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o644 });
    renameSync(temporary, file);
    return { file, checkpoint };
  }

  /** The newest checkpoint file of a database (names sort by time), or null. */
  latest(database: string): { file: string; checkpoint: SignedCheckpoint } | null {
    let names: string[];
    try {
      names = readdirSync(this.folder(database)).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return null;
    }
    const name = names[names.length - 1];
    if (!name) return null;
    const file = join(this.folder(database), name);
    try {
      return { file, checkpoint: JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint };
    } catch {
      return { file, checkpoint: { signature: '' } as SignedCheckpoint };
    }
  }

  /** Checks the log against the latest checkpoint of its database (null when there is none yet). */
  async check(database: string, transaction: DbTransaction): Promise<CheckpointCheck | null> {
    const latest = this.latest(database);
    if (!latest) return null;
    const { checkpoint, file } = latest;
    const summary = { file: relative(this.config.checkpoints.digestDir, file), createdAt: String(checkpoint.createdAt), lastSeq: checkpoint.lastSeq ?? null, count: Number(checkpoint.count) };
    if (checkpoint.database !== database || !checkpointSignatureValid(checkpoint, this.publicKey().publicKey)) {
      return { ...summary, finding: 'checkpoint-signature-invalid' };
    }
    if (checkpoint.lastSeq === null) return { ...summary, finding: null };
    const state = await this.audit.checkpointState(checkpoint.firstSeq, checkpoint.lastSeq, transaction);
    return { ...summary, finding: compareWithCheckpoint(checkpoint, state) };
  }
}
