import { IsNiceClasses } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsBoolean, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** Present (not undefined): null is then refused by the type check instead of reaching a NOT NULL column. */
const present = (_object: object, value: unknown): boolean => value !== undefined;

export class CreateWatchDto {
  @ApiProperty({ example: 'KWIK REWARDS', maxLength: 200, description: 'Stored trimmed, with single spaces; one watch per mark (ignoring case) and class set' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  mark: string;

  @ApiProperty({ type: 'integer', isArray: true, minItems: 1, maxItems: 45, uniqueItems: true, example: [35, 41], description: 'Nice classes (1 to 45), at least one' })
  @IsNiceClasses()
  @ArrayMinSize(1, { message: 'classes must name at least one Nice class' })
  @ArrayUnique({ message: 'must not repeat a class' })
  classes: number[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Report conflicts scoring at least this; 70 when left out' })
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(100)
  threshold?: number;
}

/** PATCH: any of the three; the mark itself does not change (watch another mark instead). */
export class UpdateWatchDto {
  @ApiPropertyOptional({ description: 'false pauses the watch: runs skip it; conflicts filed meanwhile are reported when it is active again' })
  @ValidateIf(present)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Report conflicts scoring at least this' })
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(100)
  threshold?: number;

  @ApiPropertyOptional({ type: 'integer', isArray: true, minItems: 1, maxItems: 45, uniqueItems: true, example: [35], description: 'Nice classes (1 to 45), at least one' })
  @ValidateIf(present)
  @IsNiceClasses()
  @ArrayMinSize(1, { message: 'classes must name at least one Nice class' })
  @ArrayUnique({ message: 'must not repeat a class' })
  classes?: number[];
}
