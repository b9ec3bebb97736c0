import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '@app/common';
import type { PaymentRecord } from '../billing.types';
import { toJsonAmount } from '../money.util';
import { DISPUTE_STATUSES, PAYMENT_STATUSES } from '../payment-state';
import { SUBSCRIPTION_STATUSES } from '../subscription-state';
import type { SubscriptionView } from '../subscriptions.service';
import type { Usage } from '../usage/usage.service';
import { PlanResponseDto } from './billing-response.dto';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export class SubscriptionResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES, description: 'incomplete: the first payment failed (expires after 23 h); past_due: a renewal failed and is being retried' }) status: string;
  @ApiProperty({ type: PlanResponseDto }) plan: PlanResponseDto;
  @ApiProperty({ format: 'date-time' }) currentPeriodStart: string;
  @ApiProperty({ format: 'date-time' }) currentPeriodEnd: string;
  @ApiProperty({ description: 'The subscription ends at currentPeriodEnd instead of renewing' }) cancelAtPeriodEnd: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'A downgrade that takes effect at currentPeriodEnd' }) pendingPlanCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'card_declined', description: 'Why the last payment failed' }) failureCode: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a failed renewal is charged again' }) nextRetryAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the trial started (null: no trial)' }) trialStart: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the trial ends (or ended): the first invoice is issued and charged then' }) trialEnd: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) canceledAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(s: SubscriptionView): SubscriptionResponseDto {
    return Object.assign(new SubscriptionResponseDto(), {
      id: s.id,
      status: s.status,
      plan: PlanResponseDto.from(s.plan),
      currentPeriodStart: s.currentPeriodStart.toISOString(),
      currentPeriodEnd: s.currentPeriodEnd.toISOString(),
      cancelAtPeriodEnd: s.cancelAtPeriodEnd,
      pendingPlanCode: s.pendingPlanCode,
      failureCode: s.failureCode,
      failureMessage: s.failureMessage,
      nextRetryAt: iso(s.nextRetryAt),
      trialStart: iso(s.trialStart),
      trialEnd: iso(s.trialEnd),
      canceledAt: iso(s.canceledAt),
      endedAt: iso(s.endedAt),
      createdAt: s.createdAt.toISOString(),
    });
  }
}

export class PaymentDisputeDto {
  @ApiProperty({ enum: DISPUTE_STATUSES, description: 'won, lost and warning_closed are final' }) status: string;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units the customer disputes' }) amount: number;
  @ApiProperty({ type: String, nullable: true, example: 'fraudulent' }) reason: string | null;
}

export class PaymentResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 1900, description: 'Minor units' }) amount: number;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units refunded so far' }) amountRefunded: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'sandbox' }) provider: string;
  @ApiProperty({ type: String, nullable: true, example: 'card_declined' }) failureCode: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the charge failed, for people' }) failureReason: string | null;
  @ApiProperty({ type: PaymentDisputeDto, nullable: true, description: 'A chargeback on the charge, if the customer disputed it with their bank' }) dispute: PaymentDisputeDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(p: PaymentRecord): PaymentResponseDto {
    return Object.assign(new PaymentResponseDto(), {
      id: p.id,
      amount: toJsonAmount(p.amount),
      amountRefunded: toJsonAmount(p.amountRefunded),
      currency: p.currency,
      status: p.status,
      invoiceId: p.invoiceId,
      provider: p.provider,
      failureCode: p.failureCode,
      failureReason: p.failureMessage,
      dispute: p.dispute ? Object.assign(new PaymentDisputeDto(), { status: p.dispute.status, amount: toJsonAmount(p.dispute.amount), reason: p.dispute.reason }) : null,
      createdAt: p.createdAt.toISOString(),
    });
  }
}

export class PaymentListResponseDto {
  @ApiProperty({ type: [PaymentResponseDto] }) data: PaymentResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;

  static from(page: Page<PaymentRecord>): PaymentListResponseDto {
    return Object.assign(new PaymentListResponseDto(), { data: page.data.map((p) => PaymentResponseDto.from(p)), nextCursor: page.nextCursor });
  }
}

export class SearchUsageDto {
  @ApiProperty({ type: 'integer', description: 'Searches made this period' }) used: number;
  @ApiProperty({ type: 'integer', description: "The plan's searches per period" }) quota: number;
}

export class UsageResponseDto {
  @ApiProperty({ example: 'free', description: 'The plan the quota comes from: your live subscription’s, else free' }) planCode: string;
  @ApiProperty({ format: 'date-time' }) periodStart: string;
  @ApiProperty({ format: 'date-time', description: 'When the quota resets' }) periodEnd: string;
  @ApiProperty({ type: SearchUsageDto }) searches: SearchUsageDto;

  static from(u: Usage): UsageResponseDto {
    return Object.assign(new UsageResponseDto(), {
      planCode: u.plan.code,
      periodStart: u.periodStart.toISOString(),
      periodEnd: u.periodEnd.toISOString(),
      searches: Object.assign(new SearchUsageDto(), u.searches),
    });
  }
}
