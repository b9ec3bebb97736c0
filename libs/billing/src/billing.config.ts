import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { cronSchedule, defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables the billing lib reads. */
export class BillingVariables {
  /** Tax on invoices, in basis points (2000 = 20 %). */
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(10_000) BILLING_TAX_RATE_BPS?: number;
  /** Days from finalization to an invoice's due date. */
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(365) BILLING_INVOICE_DUE_DAYS?: number;
  /** The seller on invoices: name, and address lines separated by `|`. */
  @IsOptional() @IsString() @MaxLength(200) BILLING_SELLER_NAME?: string;
  @IsOptional() @IsString() @MaxLength(500) BILLING_SELLER_ADDRESS?: string;
  /** What a past_due subscription becomes when its retries (1, 3, 5 days) are exhausted. */
  @IsOptional() @IsIn(['unpaid', 'canceled']) BILLING_RETRIES_EXHAUSTED?: 'unpaid' | 'canceled';
  /** `billing-idempotency-keys-expiry`: deletes Idempotency-Keys older than 24 h. */
  @IsOptional() @IsString() JOB_BILLING_IDEMPOTENCY_CRON?: string;
}

export const BILLING_CONFIG = defineConfigSlice({
  name: 'billing',
  variables: BillingVariables,
  load: (env, { problems }) => ({
    taxRateBps: env.BILLING_TAX_RATE_BPS ?? 0,
    retriesExhausted: env.BILLING_RETRIES_EXHAUSTED ?? 'unpaid',
    idempotencyExpirySchedule: cronSchedule('JOB_BILLING_IDEMPOTENCY_CRON', env.JOB_BILLING_IDEMPOTENCY_CRON, '41 * * * *', problems),
    invoiceDueDays: env.BILLING_INVOICE_DUE_DAYS ?? 7,
    seller: {
      name: env.BILLING_SELLER_NAME ?? 'Clearmark',
      lines: (env.BILLING_SELLER_ADDRESS ?? '')
        .split('|')
        .map((line) => line.trim())
        .filter(Boolean),
    },
  }),
});

export type BillingConfig = ConfigOf<typeof BILLING_CONFIG>;
