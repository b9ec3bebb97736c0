import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class UpdateMeDto {
  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true, description: 'Display name; null or blank clears it', example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string | null;
}
