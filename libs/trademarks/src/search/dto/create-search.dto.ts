import { IsNiceClasses } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { StatusFilter } from '../search.types';

export const MAX_MARK_LENGTH = 200;
export const MAX_RESULTS = 100;

/** `POST /v1/trademarks/searches` */
export class CreateSearchDto {
  @ApiProperty({ example: 'QUICK REWARDS', maxLength: MAX_MARK_LENGTH })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_MARK_LENGTH)
  mark: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 }, description: 'Nice classes of the goods and services (1..45)', example: [9, 42] })
  @IsOptional()
  @IsNiceClasses()
  classes?: number[];

  @ApiPropertyOptional({ enum: ['live', 'dead', 'all'], description: 'Which registry records to search; `all` when left out' })
  @IsOptional()
  @IsIn(['live', 'dead', 'all'])
  status?: StatusFilter;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_RESULTS, description: 'Most results returned; 20 when left out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RESULTS)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Also return results of risk `none` (score below 15); false when left out. Scores are the estimated probability (percent) of a likelihood of confusion; risk bands: high >= 70, medium >= 40, low >= 15, none below.',
  })
  @IsOptional()
  @IsBoolean()
  includeNone?: boolean;
}
