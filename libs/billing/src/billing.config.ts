import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables the billing lib reads. */
export class BillingVariables {
  /** Tax on invoices, in basis points (2000 = 20 %). */
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(10_000) BILLING_TAX_RATE_BPS?: number;
  /** Days from finalization to an invoice's due date. */
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(365) BILLING_INVOICE_DUE_DAYS?: number;
  /** The seller on invoices: name, and address lines separated by `|`. */
  @IsOptional() @IsString() @MaxLength(200) BILLING_SELLER_NAME?: string;
  @IsOptional() @IsString() @MaxLength(500) BILLING_SELLER_ADDRESS?: string;
}

export const BILLING_CONFIG = defineConfigSlice({
  name: 'billing',
  variables: BillingVariables,
  load: (env) => ({
    taxRateBps: env.BILLING_TAX_RATE_BPS ?? 0,
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
