import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@app/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export const LOGGED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

// Query values arrive as strings and the validation pipe converts nothing implicitly, so each
// field converts exactly the spellings it accepts and leaves anything else for the validator to refuse.
const toInteger = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value);
const toUpperCase = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.toUpperCase() : value);

/** `GET /v1/admin/api-logs?userId=&method=&status=&route=&from=&to=&limit=&cursor=` */
export class ListApiLogsDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Requests of this authenticated user' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ enum: LOGGED_METHODS, description: 'HTTP method' })
  @IsOptional()
  @Transform(toUpperCase)
  @IsIn(LOGGED_METHODS)
  method?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 100, maximum: 599, example: 404, description: 'HTTP status of the answer' })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(599)
  status?: number;

  @ApiPropertyOptional({ description: 'Route template, exactly as logged', example: '/v1/users/me' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  route?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601 time, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601 time, exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
