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

export class AuditVerificationResponseDto {
  @ApiProperty({ description: 'Every event links to the previous one and hashes as stored' }) ok: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events checked' }) checked: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The first event changed or left dangling by a deletion' }) firstBrokenId?: string;
}
