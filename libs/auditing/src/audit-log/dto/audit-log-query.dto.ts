import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuditLogQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Events by this user' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ example: 'users.update' }) @IsOptional() @Matches(/^[a-z0-9.-]{1,100}$/, { message: 'must be a dotted action name' }) action?: string;
  @ApiPropertyOptional({ example: 'user' }) @IsOptional() @IsString() @MaxLength(50) entityType?: string;
  @ApiPropertyOptional({ description: 'Events about this entity id' }) @IsOptional() @IsString() @MaxLength(100) entityId?: string;
  @ApiPropertyOptional({ description: 'Only events whose changes include this field', example: 'status' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be a field name' })
  field?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO time, inclusive' }) @IsOptional() @Type(() => Date) @IsDate({ message: 'must be an ISO 8601 time' }) from?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO time, exclusive' }) @IsOptional() @Type(() => Date) @IsDate({ message: 'must be an ISO 8601 time' }) to?: Date;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Items per page' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ maxLength: 40, description: 'The nextCursor of the previous page; omit for the first page' }) @IsOptional() @IsString() @MaxLength(40) cursor?: string;
}
