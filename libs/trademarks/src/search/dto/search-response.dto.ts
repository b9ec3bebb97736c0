import { ApiProperty } from '@nestjs/swagger';
import { REASON_KINDS, type ReasonKind, type RiskLevel, type StatusFilter } from '../search.types';

const RISKS: RiskLevel[] = ['high', 'medium', 'low', 'none'];
const STATUS_FILTERS: StatusFilter[] = ['live', 'dead', 'all'];

export class SearchReasonDto {
  @ApiProperty({ enum: REASON_KINDS }) kind: ReasonKind;
  @ApiProperty({ description: 'The reason in words', example: 'REWARDS is shared with QUICK REWARDS' }) detail: string;
}

/** The registry fields a result shows. */
export class RecordSummaryDto {
  @ApiProperty({ example: '97000000' }) serialNumber: string;
  @ApiProperty({ type: String, nullable: true }) registrationNumber: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null for design-only marks' }) mark: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USPTO status code' }) status: string | null;
  @ApiProperty() live: boolean;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 } }) classes: number[];
  @ApiProperty({ type: String, nullable: true }) owner: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) filingDate: string | null;
}

export class ScoredResultDto {
  @ApiProperty({ type: RecordSummaryDto }) record: RecordSummaryDto;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Estimated probability (percent) of a likelihood of confusion' }) score: number;
  @ApiProperty({ enum: RISKS, description: 'high >= 70, medium >= 40, low >= 15, none below' }) risk: RiskLevel;
  @ApiProperty({ type: [SearchReasonDto] }) reasons: SearchReasonDto[];
}

/** A stored search with its results snapshot. */
export class SearchResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'QUICK REWARDS' }) query: string;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 } }) classes: number[];
  @ApiProperty({ enum: STATUS_FILTERS, description: 'Which registry records were searched' }) status: StatusFilter;
  @ApiProperty({ enum: RISKS, description: 'The highest risk among the results' }) risk: RiskLevel;
  @ApiProperty({ type: 'integer', minimum: 0 }) tookMs: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) resultCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [ScoredResultDto], description: 'Highest score first' }) results: ScoredResultDto[];
}

/** A past search, without its results. */
export class SearchHistoryItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() query: string;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 } }) classes: number[];
  @ApiProperty({ enum: STATUS_FILTERS }) status: StatusFilter;
  @ApiProperty({ enum: RISKS }) risk: RiskLevel;
  @ApiProperty({ type: 'integer', minimum: 0 }) resultCount: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) tookMs: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SearchListResponseDto {
  @ApiProperty({ type: [SearchHistoryItemDto] }) data: SearchHistoryItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}
