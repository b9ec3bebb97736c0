import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';

export class CreateTransferDto {
  @ApiProperty({ format: 'email', maxLength: 254, description: 'The recipient; the answer is the same whether or not it has an account' })
  @IsEmail()
  @MaxLength(254)
  toEmail: string;
}

export class TransferResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) copyrightId: string;
  @ApiProperty({ format: 'email' }) toEmail: string;
  @ApiProperty({ enum: ['outgoing', 'incoming'] }) direction: 'outgoing' | 'incoming';
  @ApiProperty({ enum: ['pending', 'accepted', 'declined', 'cancelled', 'expired'] }) status: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class TransferListResponseDto {
  @ApiProperty({ type: [TransferResponseDto] }) data: TransferResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}
