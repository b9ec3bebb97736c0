import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
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
}
