import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';

// Query values arrive as strings and the validation pipe converts nothing implicitly: only the
// exact spellings are converted, anything else is left for the validator to refuse.
const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/** `GET /v1/notifications?unread=&limit=&cursor=` */
export class ListNotificationsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: unread notifications only', type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;
}
