import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ContentResponseDto {
  @ApiProperty({ enum: ['text', 'image', 'other'], description: 'How the content is fingerprinted: text (winnowing), image (pHash + dHash), other (SHA-256 only)' })
  kind: string;
  @ApiProperty({ description: 'Sniffed from the bytes, not taken from the request', example: 'application/pdf' }) mediaType: string;
  @ApiProperty({ type: String, nullable: true }) filename: string | null;
  @ApiProperty({ type: 'integer' }) sizeBytes: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex' }) sha256: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Words of the extracted text' }) tokenCount: number | null;
  @ApiProperty({ type: 'integer', description: 'Distinct winnowing fingerprints kept' }) fingerprintCount: number;
  @ApiProperty({ description: 'True when a very long text was fingerprinted only up to the cap' }) fingerprintsTruncated: boolean;
  @ApiProperty({ type: String, nullable: true, description: '64-bit DCT perceptual hash, hex' }) pHash: string | null;
  @ApiProperty({ type: String, nullable: true, description: '64-bit difference hash, hex' }) dHash: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) width: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) height: number | null;
  @ApiProperty({ description: 'Whether the file itself was kept (COPYRIGHT_CONTENT_DIR); otherwise only fingerprints are' }) depositCopyKept: boolean;
  @ApiProperty({ format: 'date-time' }) uploadedAt: Date;
}

export class MatchedWorkDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Only for the caller’s own works' }) id: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['draft', 'submitted', 'registered', 'rejected', 'withdrawn'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) registrationNumber: string | null;
}

export class MatchResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The caller’s work whose content found the match' }) copyrightId: string;
  @ApiProperty({ enum: ['exact', 'text', 'image'] }) kind: string;
  @ApiProperty({ description: '0..1: containment for text, 1 - distance/64 for images, 1 for the same bytes' }) score: number;
  @ApiProperty({ description: 'The matched work is the caller’s own (not an alarm)' }) own: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'possible copy of a registered work' }) alert: string | null;
  @ApiProperty({ type: MatchedWorkDto, description: 'Never the other owner’s identity' }) work: MatchedWorkDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'text: sharedFingerprints, containmentOfUpload, containmentOfWork, passages [{upload:{start,end}, work:{start,end}, fingerprints}] (character offsets of the extracted texts); image: pHashDistance, dHashDistance; exact: sameBytes',
  })
  details: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class UploadResponseDto {
  @ApiProperty({ type: ContentResponseDto }) content: ContentResponseDto;
  @ApiProperty({ type: [MatchResponseDto] }) matches: MatchResponseDto[];
}

export class MatchListResponseDto {
  @ApiProperty({ type: [MatchResponseDto] }) data: MatchResponseDto[];
}

export class AdminMatchWorkDto {
  @ApiProperty({ format: 'uuid' }) copyrightId: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiPropertyOptional({ enum: ['submitted', 'registered'] }) status?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) registrationNumber?: string | null;
}

export class AdminMatchResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['exact', 'text', 'image'] }) kind: string;
  @ApiProperty() score: number;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: AdminMatchWorkDto, description: 'The work whose upload matched' }) upload: AdminMatchWorkDto;
  @ApiProperty({ type: AdminMatchWorkDto, description: 'The other owner’s submitted or registered work' }) matched: AdminMatchWorkDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class AdminMatchListResponseDto {
  @ApiProperty({ type: [AdminMatchResponseDto] }) data: AdminMatchResponseDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
