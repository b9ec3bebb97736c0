import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '@app/common';
import type { InvoiceRecord, PlanRecord } from '../billing.types';
import { toJsonAmount } from '../money.util';

/**
 * Money in JSON: `amount` is an integer number of minor units (1900 = 19.00 USD), never a
 * float or a decimal string; `currency` is ISO 4217.
 */
export class MoneyDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 1900, description: 'Minor units (cents for USD); an exact integer' }) amount: number;
  @ApiProperty({ example: 'USD', pattern: '^[A-Z]{3}$' }) currency: string;

  static of(amount: bigint, currency: string): MoneyDto {
    return Object.assign(new MoneyDto(), { amount: toJsonAmount(amount), currency });
  }
}

export class PlanResponseDto {
  @ApiProperty({ example: 'pro' }) code: string;
  @ApiProperty({ example: 'Pro' }) name: string;
  @ApiProperty({ type: MoneyDto, description: 'Price per interval' }) price: MoneyDto;
  @ApiProperty({ enum: ['month'] }) interval: 'month';
  @ApiProperty({ type: 'integer', description: 'Trademark searches per billing period' }) searchQuota: number;
  @ApiProperty({ type: 'integer', description: 'Free days before the first charge' }) trialDays: number;

  static from(plan: PlanRecord): PlanResponseDto {
    return Object.assign(new PlanResponseDto(), {
      code: plan.code,
      name: plan.name,
      price: MoneyDto.of(plan.price.amount, plan.price.currency),
      interval: plan.interval,
      searchQuota: plan.searchQuota,
      trialDays: plan.trialDays,
    });
  }
}

/** A plan as admins see it: with whether new subscriptions may choose it. */
export class AdminPlanResponseDto extends PlanResponseDto {
  @ApiProperty({ description: 'false: retired (subscribers keep it, nobody new subscribes)' }) active: boolean;

  static fromPlan(plan: PlanRecord): AdminPlanResponseDto {
    return Object.assign(new AdminPlanResponseDto(), PlanResponseDto.from(plan), { active: plan.active });
  }
}

export class AdminPlanListResponseDto {
  @ApiProperty({ type: [AdminPlanResponseDto] }) data: AdminPlanResponseDto[];
}

export class PlanListResponseDto {
  @ApiProperty({ type: [PlanResponseDto] }) data: PlanResponseDto[];
}

export class InvoiceLineDto {
  @ApiProperty() description: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) periodStart: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) periodEnd: string | null;
  @ApiProperty({ type: 'integer' }) quantity: number;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units' }) unitAmount: number;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units; negative for a credit' }) amount: number;
}

export class InvoiceResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'INV-2026-000001', description: 'Gapless per year; set when the invoice is finalized' }) number: string | null;
  @ApiProperty({ enum: ['draft', 'open', 'paid', 'void', 'uncollectible'] }) status: string;
  @ApiProperty({ type: [InvoiceLineDto] }) lines: InvoiceLineDto[];
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units' }) subtotal: number;
  @ApiProperty({ type: 'integer', description: 'Tax rate in basis points' }) taxRateBps: number;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units' }) tax: number;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units' }) total: number;
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Minor units' }) amountPaid: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) paidAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(invoice: InvoiceRecord): InvoiceResponseDto {
    return Object.assign(new InvoiceResponseDto(), {
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      lines: invoice.lines.map((line) =>
        Object.assign(new InvoiceLineDto(), {
          description: line.description,
          periodStart: line.periodStart?.toISOString() ?? null,
          periodEnd: line.periodEnd?.toISOString() ?? null,
          quantity: line.quantity,
          unitAmount: toJsonAmount(line.unitAmount),
          amount: toJsonAmount(line.amount),
        }),
      ),
      subtotal: toJsonAmount(invoice.subtotal),
      taxRateBps: invoice.taxRateBps,
      tax: toJsonAmount(invoice.tax),
      total: toJsonAmount(invoice.total),
      amountPaid: toJsonAmount(invoice.amountPaid),
      currency: invoice.currency,
      dueAt: invoice.dueAt?.toISOString() ?? null,
      paidAt: invoice.paidAt?.toISOString() ?? null,
      createdAt: invoice.createdAt.toISOString(),
    });
  }
}

export class InvoiceListResponseDto {
  @ApiProperty({ type: [InvoiceResponseDto] }) data: InvoiceResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;

  static from(page: Page<InvoiceRecord>): InvoiceListResponseDto {
    return Object.assign(new InvoiceListResponseDto(), { data: page.data.map((i) => InvoiceResponseDto.from(i)), nextCursor: page.nextCursor });
  }
}
