import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, validateSync } from 'class-validator';
import { ConfigValidationError } from '@app/config';

function toInt({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  return /^-?\d+$/.test(v) ? Number(v) : value;
}

/** The environment variables the billing lib reads (validated at boot, like libs/config/src/environment.ts). */
export class BillingEnvironment {
  /** Tax on invoices, in basis points (2000 = 20 %). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(10_000) BILLING_TAX_RATE_BPS?: number;
  /** Days from finalization to an invoice's due date. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(365) BILLING_INVOICE_DUE_DAYS?: number;
  /** The seller on invoices: name, then address lines separated by `|`. */
  @IsOptional() @IsString() @MaxLength(200) BILLING_SELLER_NAME?: string;
  @IsOptional() @IsString() @MaxLength(500) BILLING_SELLER_ADDRESS?: string;
}

export interface BillingConfig {
  taxRateBps: number;
  invoiceDueDays: number;
  seller: { name: string; lines: string[] };
}

export const BILLING_CONFIG = Symbol('BILLING_CONFIG');

/** Pure loader: validates the billing variables and returns the typed slice; throws naming each bad variable. */
export function loadBillingConfig(env: NodeJS.ProcessEnv): BillingConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([name, v]) => name.startsWith('BILLING_') && v !== undefined && v !== ''));
  const parsed = plainToInstance(BillingEnvironment, present);
  const errors = validateSync(parsed);
  if (errors.length > 0) {
    throw new ConfigValidationError(errors.map((e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`));
  }
  return {
    taxRateBps: parsed.BILLING_TAX_RATE_BPS ?? 0,
    invoiceDueDays: parsed.BILLING_INVOICE_DUE_DAYS ?? 7,
    seller: {
      name: parsed.BILLING_SELLER_NAME ?? 'Clearmark',
      lines: (parsed.BILLING_SELLER_ADDRESS ?? '')
        .split('|')
        .map((line) => line.trim())
        .filter(Boolean),
    },
  };
}
