import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, ValidateIf } from 'class-validator';

export class AdminUpdateUserDto {
  @ApiPropertyOptional({ enum: ['user', 'admin'], description: 'The new role' })
  // Absent means unchanged; null is not a role or a status (it reached the database as a 500).
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(['user', 'admin'])
  role?: 'user' | 'admin';

  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'The new status; disabled ends every session' })
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}
