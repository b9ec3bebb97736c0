import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const toInteger = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value);

/** `GET /v1/admin/backups?kind=&limit=&cursor=` */
export class ListBackupsDto {
  @ApiPropertyOptional({ enum: ['backup', 'drill'], description: 'Only backups, or only restore drills' })
  @IsOptional()
  @IsIn(['backup', 'drill'])
  kind?: 'backup' | 'drill';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
