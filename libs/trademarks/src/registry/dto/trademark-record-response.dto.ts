import { ApiProperty } from '@nestjs/swagger';
import type { NiceClass } from '../nice-classes';
import type { TrademarkRecordView } from '../registry.types';

export class NiceClassResponseDto implements NiceClass {
  @ApiProperty({ type: 'integer', example: 25, minimum: 1, maximum: 45 }) class: number;
  @ApiProperty({ enum: ['good', 'service'] }) kind: 'good' | 'service';
  @ApiProperty({ example: 'Clothing; footwear; headwear' }) heading: string;
}

/** One registry record as the API shows it (search keys and bookkeeping left out). */
export class TrademarkRecordResponseDto {
  @ApiProperty({ example: '97000000' }) serialNumber: string;
  @ApiProperty({ type: String, nullable: true, example: '5495304' }) registrationNumber: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Absent for design-only marks' }) mark: string | null;
  @ApiProperty({ type: String, nullable: true, example: '800', description: 'USPTO status code' }) status: string | null;
  @ApiProperty() live: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) statusDate: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) filingDate: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) registrationDate: string | null;
  @ApiProperty({ type: String, nullable: true }) owner: string | null;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 }, example: [25, 35] }) classes: number[];
  @ApiProperty({ type: String, nullable: true, description: 'One line per class: "Class 25: ..."' }) goodsServices: string | null;
  @ApiProperty({ example: 'uspto-xml:sample-daily.xml' }) source: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(record: TrademarkRecordView): TrademarkRecordResponseDto {
    return Object.assign(new TrademarkRecordResponseDto(), {
      serialNumber: record.serialNumber,
      registrationNumber: record.registrationNumber,
      mark: record.mark,
      status: record.statusCode,
      live: record.live,
      statusDate: record.statusDate,
      filingDate: record.filingDate,
      registrationDate: record.registrationDate,
      owner: record.owner,
      classes: record.classes,
      goodsServices: record.goodsServices,
      source: record.source,
      updatedAt: record.updatedAt.toISOString(),
    });
  }
}
