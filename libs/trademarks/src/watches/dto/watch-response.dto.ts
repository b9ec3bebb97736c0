import { ApiProperty } from '@nestjs/swagger';

/** A watch as its owner sees it. */
export class WatchResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'KWIK REWARDS' }) mark: string;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 }, example: [35, 41] }) classes: number[];
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, description: 'Conflicts scoring at least this are reported' }) threshold: number;
  @ApiProperty({ description: 'Inactive watches are not run' }) active: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the watch last ran against the registry' }) lastRunAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class WatchListResponseDto {
  @ApiProperty({ type: [WatchResponseDto] }) data: WatchResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}
