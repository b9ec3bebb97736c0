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

  @ApiPropertyOptional({ type: [Number], description: 'Nice classes of the goods and services (1..45)', example: [9, 42] })
  @IsOptional()
  @IsNiceClasses()
  classes?: number[];

  @ApiPropertyOptional({ enum: ['live', 'dead', 'all'], default: 'all' })
  @IsOptional()
  @IsIn(['live', 'dead', 'all'])
  status?: StatusFilter;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RESULTS, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RESULTS)
  limit?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Also return results of risk `none` (score below 15). Scores are the estimated probability (percent) of a likelihood of confusion; risk bands: high >= 70, medium >= 40, low >= 15, none below.',
  })
  @IsOptional()
  @IsBoolean()
  includeNone?: boolean;
}
