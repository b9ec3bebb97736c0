import { IsNiceClasses } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CreateWatchDto {
  @ApiProperty({ example: 'KWIK REWARDS', maxLength: 200 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  mark: string;

  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 }, example: [35, 41], description: 'Nice classes (1 to 45)' })
  @IsNiceClasses()
  @ArrayUnique({ message: 'must not repeat a class' })
  classes: number[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Report conflicts scoring at least this; 70 when left out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  threshold?: number;
}
