import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One audit event, as stored in the hash chain. */
export class AuditRecordResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Position in the chain (a 64-bit integer, as a string)', example: '42' }) seq: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for system events' }) actorId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'admin' }) actorRole: string | null;
  @ApiProperty({ example: 'users.update-profile' }) action: string;
  @ApiProperty({ type: String, nullable: true, example: 'user' }) entityType: string | null;
  @ApiProperty({ type: String, nullable: true }) entityId: string | null;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome: 'success' | 'failure';
  @ApiProperty({ type: String, nullable: true, description: 'The problem type of a failure' }) problemType: string | null;
  @ApiProperty({ nullable: true, description: 'State before the change (secrets redacted); any JSON value' }) before: unknown;
  @ApiProperty({ nullable: true, description: 'State after the change (secrets redacted); any JSON value' }) after: unknown;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', properties: { from: {}, to: {} } },
    description: 'Changed fields: { field: { from, to } }',
  })
  changes: Record<string, { from: unknown; to: unknown }> | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ description: 'SHA-256 of the previous hash and this event, hex' }) hash: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class AuditRecordListResponseDto {
  @ApiProperty({ type: [AuditRecordResponseDto] }) data: AuditRecordResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

const CHECKPOINT_FINDINGS = ['checkpoint-signature-invalid', 'checkpoint-mismatch', 'tail-deleted', 'head-deleted', 'count-mismatch'];

export class AuditCheckpointCheckDto {
  @ApiProperty({ description: 'The checkpoint file, relative to AUDIT_DIGEST_DIR' }) file: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'Last seq the checkpoint covers (a 64-bit integer, as a string)' }) lastSeq: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events the checkpoint counted' }) count: number;
  @ApiProperty({ type: String, enum: CHECKPOINT_FINDINGS, nullable: true, description: 'What the comparison with the chain found; null when it agrees' })
  finding: string | null;
}

export class AuditVerificationResponseDto {
  @ApiProperty({ description: 'Every event links to the previous one, hashes as stored, and agrees with the latest signed checkpoint' }) ok: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events checked' }) checked: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The first event changed or left dangling by a deletion (or the oldest, when the head was deleted)' })
  firstBrokenId?: string;
  @ApiPropertyOptional({ enum: ['row-changed-or-deleted', 'head-deleted', ...CHECKPOINT_FINDINGS.filter((f) => f !== 'head-deleted')], description: 'What is wrong, when something is' })
  reason?: string;
  @ApiProperty({ type: AuditCheckpointCheckDto, nullable: true, description: 'The latest signed checkpoint the chain was checked against; null before the first one' })
  checkpoint: AuditCheckpointCheckDto | null;
}

export class AuditPublicKeyResponseDto {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'First 16 bytes of the SHA-256 of the SPKI DER, hex: names the key in every checkpoint' }) keyId: string;
  @ApiProperty({ description: 'The public key, SPKI PEM' }) publicKey: string;
}
