import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';

/** `GET /v1/admin/backups?kind=&limit=&cursor=` */
export class ListBackupsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['backup', 'drill'], description: 'Only backups, or only restore drills' })
  @IsOptional()
  @IsIn(['backup', 'drill'])
  kind?: 'backup' | 'drill';
}
