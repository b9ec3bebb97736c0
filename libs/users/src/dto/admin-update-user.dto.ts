import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class AdminUpdateUserDto {
  @ApiProperty({ enum: ['user', 'admin'], required: false })
  @IsOptional()
  @IsIn(['user', 'admin'])
  role?: 'user' | 'admin';

  @ApiProperty({ enum: ['active', 'disabled'], required: false })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}
