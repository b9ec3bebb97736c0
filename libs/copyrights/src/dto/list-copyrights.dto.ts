import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { COPYRIGHT_STATUSES, type CopyrightStatus } from '../copyright-lifecycle';
import { WORK_TYPES, type WorkType } from '../copyrights.types';

export class ListCopyrightsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COPYRIGHT_STATUSES }) @IsOptional() @IsIn(COPYRIGHT_STATUSES) status?: CopyrightStatus;
  @ApiPropertyOptional({ enum: WORK_TYPES }) @IsOptional() @IsIn(WORK_TYPES) workType?: WorkType;
  @ApiPropertyOptional({ description: 'Words of the title', minLength: 3, maxLength: 200 }) @IsOptional() @IsString() @MinLength(3) @MaxLength(200) q?: string;
  @ApiPropertyOptional({ description: 'An author’s exact name', maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) author?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Created on or after' }) @IsOptional() @IsDateString({ strict: true }) createdFrom?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Created on or before' }) @IsOptional() @IsDateString({ strict: true }) createdTo?: string;
  @ApiPropertyOptional({
    type: String,
    maxLength: 2000,
    description: 'A JSON object the work’s metadata must contain (jsonb containment, e.g. {"isbn":"978-0"} or {"tags":["poetry"]})',
    example: '{"isbn":"978-0-00-000000-0"}',
  })
  @IsOptional()
  @Transform(({ value }) => parseJsonObject(value))
  @IsObject({ message: 'must be a JSON object of at most 2000 characters' })
  metadata?: Record<string, unknown>;
}

/**
 * The query string's JSON object; anything else is handed on as it came (a string, which
 * @IsObject refuses: null would count as absent for @IsOptional). Never throws.
 */
function parseJsonObject(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > 2000) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : value;
  } catch {
    return value;
  }
}
