import { ApiProperty } from '@nestjs/swagger';
import { REASON_KINDS, type ReasonKind, type RiskLevel } from '../../search/search.types';
import type { CreatedWatch, WatchHitView, WatchView } from '../watches.service';

const RISK_LEVELS: RiskLevel[] = ['high', 'medium', 'low', 'none'];
const NEXT_CURSOR = { type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' } as const;

export class WatchResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'KWIK REWARDS' }) mark: string;
  @ApiProperty({ type: 'integer', isArray: true, example: [35, 41], description: 'Nice classes, ascending' }) classes: number[];
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 70 }) threshold: number;
  @ApiProperty({ description: 'false: paused, runs skip it' }) active: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the registry was last checked for it' }) lastRunAt: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static from(watch: WatchView): WatchResponseDto {
    return Object.assign(new WatchResponseDto(), watch);
  }
}

export class WatchListResponseDto {
  @ApiProperty({ type: [WatchResponseDto] }) data: WatchResponseDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

export class WatchHitReasonDto {
  @ApiProperty({ enum: REASON_KINDS }) kind: ReasonKind;
  @ApiProperty({ example: 'KWIK sounds like QUICK' }) detail: string;
}

/** The registry record of a hit, as it reads now. */
export class WatchHitRecordDto {
  @ApiProperty({ example: '97000000' }) serialNumber: string;
  @ApiProperty({ type: String, nullable: true }) registrationNumber: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Absent for design-only marks' }) mark: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USPTO status code' }) status: string | null;
  @ApiProperty() live: boolean;
  @ApiProperty({ type: 'integer', isArray: true }) classes: number[];
  @ApiProperty({ type: String, nullable: true }) owner: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) filingDate: string | null;
}

export class WatchHitResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '97000000' }) serialNumber: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'The clearance search score when the hit was found' }) score: number;
  @ApiProperty({ enum: RISK_LEVELS }) risk: RiskLevel;
  @ApiProperty({ type: [WatchHitReasonDto] }) reasons: WatchHitReasonDto[];
  @ApiProperty({ description: 'Already in the registry when the watch was created (or its classes or threshold changed): shown, never notified' })
  baseline: boolean;
  @ApiProperty({ format: 'date-time' }) foundAt: Date;
  @ApiProperty({ type: WatchHitRecordDto, nullable: true, description: 'null when the record is no longer in the registry' })
  record: WatchHitRecordDto | null;

  static from(hit: WatchHitView): WatchHitResponseDto {
    return Object.assign(new WatchHitResponseDto(), hit);
  }
}

export class WatchHitListResponseDto {
  @ApiProperty({ type: [WatchHitResponseDto] }) data: WatchHitResponseDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

export class CreatedWatchResponseDto extends WatchResponseDto {
  @ApiProperty({ type: 'integer', description: 'How many registry records already conflict above the threshold' }) existingConflictCount: number;
  @ApiProperty({
    type: WatchHitListResponseDto,
    description: 'The first of them, strongest first; nextCursor continues at GET /v1/trademarks/watches/{id}/hits',
  })
  existingConflicts: WatchHitListResponseDto;

  static fromCreated(created: CreatedWatch): CreatedWatchResponseDto {
    return Object.assign(new CreatedWatchResponseDto(), created.watch, {
      existingConflictCount: created.existingConflictCount,
      existingConflicts: { data: created.existingConflicts.data.map(WatchHitResponseDto.from), nextCursor: created.existingConflicts.nextCursor },
    });
  }
}
