import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { WORK_TYPES, type WorkType } from '../copyrights.types';

export class CopyrightAuthorDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiPropertyOptional({ maxLength: 100, description: 'e.g. author, composer; `anonymous` or `pseudonymous` change the term of protection' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1000, maximum: 2200 }) @IsOptional() @IsInt() @Min(1000) @Max(2200) birthYear?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1000, maximum: 2200 }) @IsOptional() @IsInt() @Min(1000) @Max(2200) deathYear?: number;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) citizenship?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() workMadeForHire?: boolean;
}

export class CreateCopyrightDto {
  @ApiProperty({ maxLength: 500 }) @IsString() @IsNotEmpty() @MaxLength(500) title: string;
  @ApiProperty({ enum: WORK_TYPES }) @IsIn(WORK_TYPES) workType: WorkType;
  @ApiProperty({ type: [CopyrightAuthorDto], minItems: 1, maxItems: 50 })
  @ValidateNested({ each: true })
  @Type(() => CopyrightAuthorDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  authors: CopyrightAuthorDto[];
  @ApiProperty({ format: 'date' }) @IsDateString({ strict: true }) @MaxLength(10) creationDate: string;
  @ApiPropertyOptional({ format: 'date', description: 'Never before creation, never in the future' })
  @IsOptional()
  @IsDateString({ strict: true })
  @MaxLength(10)
  publicationDate?: string;
  @ApiPropertyOptional({ maxLength: 5000 }) @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Free-form, filterable' }) @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class UpdateCopyrightDto extends PartialType(CreateCopyrightDto) {}

export class CopyrightDecisionDto {
  @ApiProperty({ enum: ['registered', 'rejected'] }) @IsIn(['registered', 'rejected']) decision: 'registered' | 'rejected';
  @ApiPropertyOptional({ description: 'Required to register: TX/TXu, PA/PAu, VA/VAu or SR/SRu by work type, then 10 digits', example: 'TX0001234567' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  registrationNumber?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}
