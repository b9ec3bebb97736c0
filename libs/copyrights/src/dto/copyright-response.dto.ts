import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COPYRIGHT_STATUSES, type CopyrightStatus } from '../copyright-lifecycle';
import { WORK_TYPES, type CopyrightAuthor, type CopyrightLogRecord, type CopyrightView, type WorkType } from '../copyrights.types';

export class CopyrightAuthorResponseDto {
  @ApiProperty() name: string;
  @ApiPropertyOptional() role?: string;
  @ApiPropertyOptional({ type: 'integer' }) birthYear?: number;
  @ApiPropertyOptional({ type: 'integer' }) deathYear?: number;
  @ApiPropertyOptional() citizenship?: string;
  @ApiPropertyOptional() workMadeForHire?: boolean;
}

export class ProtectionTermDto {
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Last day of protection; null when it cannot be computed' }) endsOn: string | null;
  @ApiProperty({ description: 'The rule applied (Circular 15a)' }) rule: string;
}

export class CopyrightResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: WORK_TYPES }) workType: WorkType;
  @ApiProperty({ type: [CopyrightAuthorResponseDto] }) authors: CopyrightAuthor[];
  @ApiProperty({ format: 'date' }) creationDate: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) publicationDate: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: COPYRIGHT_STATUSES }) status: CopyrightStatus;
  @ApiProperty({ type: String, nullable: true }) registrationNumber: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) registrationDate: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was rejected' }) decisionReason: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ type: ProtectionTermDto }) protection: ProtectionTermDto;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static from(view: CopyrightView): CopyrightResponseDto {
    return Object.assign(new CopyrightResponseDto(), view);
  }
}

export class CopyrightListResponseDto {
  @ApiProperty({ type: [CopyrightResponseDto] }) data: CopyrightResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

export class CopyrightLogResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ description: 'create, update, submit, withdraw, redraft, register, reject, delete' }) action: string;
  @ApiProperty({ type: String, enum: COPYRIGHT_STATUSES, nullable: true }) fromStatus: CopyrightStatus | null;
  @ApiProperty({ type: String, enum: COPYRIGHT_STATUSES, nullable: true }) toStatus: CopyrightStatus | null;
  @ApiProperty({ type: [String] }) changedFields: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static from(log: CopyrightLogRecord): CopyrightLogResponseDto {
    const { copyrightId: _work, ...rest } = log;
    return Object.assign(new CopyrightLogResponseDto(), rest);
  }
}

export class CopyrightHistoryResponseDto {
  @ApiProperty({ type: [CopyrightLogResponseDto], description: 'Oldest first' }) data: CopyrightLogResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}
