import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateIf } from 'class-validator';

export class AdminUpdateUserDto {
  @ApiProperty({ enum: ['user', 'admin'], required: false })
  // Absent means unchanged; null is not a role or a status (it reached the database as a 500).
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(['user', 'admin'])
  role?: 'user' | 'admin';

  @ApiProperty({ enum: ['active', 'disabled'], required: false })
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}
