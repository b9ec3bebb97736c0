import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class SubscribeDto {
  @ApiProperty({ example: 'pro', maxLength: 50, description: 'A paid plan from GET /v1/billing/plans' })
  @IsString()
  @MaxLength(50)
  planCode: string;

  @ApiProperty({
    example: 'tok_visa',
    maxLength: 255,
    pattern: '^[A-Za-z0-9_]+$',
    description: 'The payment method to charge, from the provider (never card numbers). Sandbox: tok_visa, tok_chargeDeclined, tok_insufficientFunds',
  })
  @IsString()
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9_]+$/, { message: 'paymentToken must be a provider token (letters, digits and _)' })
  paymentToken: string;
}
