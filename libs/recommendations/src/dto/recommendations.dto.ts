import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { RECOMMENDATION_STATUSES, RECOMMENDATION_TYPES, type RecommendationRecord, type RecommendationStatsRow, type RecommendationStatus, type RecommendationType } from '../recommendations.types';

/** `GET /v1/recommendations` */
export class ListRecommendationsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RECOMMENDATION_STATUSES })
  @IsOptional()
  @IsIn(RECOMMENDATION_STATUSES)
  status?: RecommendationStatus;

  @ApiPropertyOptional({ enum: RECOMMENDATION_TYPES })
  @IsOptional()
  @IsIn(RECOMMENDATION_TYPES)
  type?: RecommendationType;
}

export class RecommendationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RECOMMENDATION_TYPES }) type: RecommendationType;
  @ApiProperty({ enum: RECOMMENDATION_STATUSES }) status: RecommendationStatus;
  @ApiProperty() title: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the recommendation is about (by type)' }) payload: Record<string, unknown>;
  @ApiProperty() modelVersion: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) actedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(r: RecommendationRecord): RecommendationDto {
    return {
      id: r.id,
      type: r.type,
      status: r.status,
      title: r.title,
      payload: r.payload,
      modelVersion: r.modelVersion,
      actedAt: r.actedAt ? r.actedAt.toISOString() : null,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

export class RecommendationListDto {
  @ApiProperty({ type: [RecommendationDto], description: 'Newest first' }) data: RecommendationDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

export class RecommendationStatsRowDto implements RecommendationStatsRow {
  @ApiProperty() type: string;
  @ApiProperty() modelVersion: string;
  @ApiProperty({ type: 'integer' }) made: number;
  @ApiProperty({ type: 'integer' }) shown: number;
  @ApiProperty({ type: 'integer' }) accepted: number;
  @ApiProperty({ type: 'integer' }) dismissed: number;
  @ApiProperty({ type: Number, nullable: true, description: 'accepted / made' }) acceptanceRate: number | null;
}

export class RecommendationStatsDto {
  @ApiProperty({ type: [RecommendationStatsRowDto] }) data: RecommendationStatsRowDto[];
}
