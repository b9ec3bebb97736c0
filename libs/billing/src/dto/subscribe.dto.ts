import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

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

export class ChangeSubscriptionDto {
  @ApiPropertyOptional({ example: 'business', maxLength: 50, description: 'More expensive: upgrade now, prorated; cheaper: at the end of the period' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  planCode?: string;

  @ApiPropertyOptional({ example: 'tok_visa', maxLength: 255, pattern: '^[A-Za-z0-9_]+$', description: 'A new payment method; an unpaid invoice is charged with it at once' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9_]+$/, { message: 'paymentToken must be a provider token (letters, digits and _)' })
  paymentToken?: string;
}

export class CancelSubscriptionDto {
  @ApiProperty({ description: 'true: at the end of the current period (no renewal); false: now (no refund)' })
  @IsBoolean()
  atPeriodEnd: boolean;
}

export class RefundPaymentDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 500, description: 'Minor units; at most what is left of the payment' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;
}

export class UpdatePlanDto {
  @ApiPropertyOptional({ example: 'Pro', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, description: 'Trademark searches per billing period; applies to current subscribers at once' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  searchQuota?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 730, description: 'Free days before the first charge of a new subscription (a user gets one trial); 0 = none; paid plans only' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(730)
  trialDays?: number;

  @ApiPropertyOptional({ description: 'false retires the plan: its subscribers keep it, nobody new subscribes to it' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
