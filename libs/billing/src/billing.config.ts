import { randomBytes } from 'node:crypto';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type ConfigContext, cronSchedule, defineConfigSlice, EnvBool, EnvInt, type ConfigOf } from '@app/config';

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
  /** `billing-renewals`: renewals, payment retries, incomplete expiry, reconciliation. */
  @IsOptional() @IsString() JOB_BILLING_RENEWALS_CRON?: string;
  /** Refuse searches over the plan's quota (402); false counts them only. */
  @IsOptional() @EnvBool() @IsBoolean() BILLING_SEARCH_QUOTA_ENFORCED?: boolean;
  /** Turns the stripe provider on (the sandbox otherwise). */
  @IsOptional() @IsString() @MaxLength(500) STRIPE_SECRET_KEY?: string;
  /** Signing secret of the Stripe webhook endpoint; required with STRIPE_SECRET_KEY. */
  @IsOptional() @IsString() @MaxLength(500) STRIPE_WEBHOOK_SECRET?: string;
  /** Another Stripe API origin (stripe-mock, a test fake): `http://127.0.0.1:12111`. */
  @IsOptional() @IsString() @MaxLength(500) STRIPE_API_URL?: string;
  /**
   * The payment provider, said explicitly: `stripe` needs STRIPE_SECRET_KEY; `sandbox` takes no
   * money. Unset: stripe when STRIPE_SECRET_KEY is set, else the sandbox, except in production,
   * where the sandbox must be asked for by name.
   */
  @IsOptional() @IsIn(['sandbox', 'stripe']) BILLING_PROVIDER?: 'sandbox' | 'stripe';
  /** The secret the sandbox signs its webhook events with; random per process when unset. */
  @IsOptional() @IsString() @MaxLength(500) BILLING_SANDBOX_WEBHOOK_SECRET?: string;
}

/** Where the stripe package sends its requests (its `host`/`port`/`protocol` options). */
export interface StripeApiOrigin {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

function stripeOrigin(value: string | undefined, problems: string[]): StripeApiOrigin | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`STRIPE_API_URL=${JSON.stringify(value)}: not a URL (http://host:port)`);
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/$/, '') !== '' || url.username || url.search) {
    problems.push(`STRIPE_API_URL=${JSON.stringify(value)}: must be an http(s) origin without path, credentials or query`);
    return null;
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

export const BILLING_CONFIG = defineConfigSlice({
  name: 'billing',
  variables: BillingVariables,
  secrets: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'BILLING_SANDBOX_WEBHOOK_SECRET'],
  load: (env, context) => ({
    taxRateBps: env.BILLING_TAX_RATE_BPS ?? 0,
    retriesExhausted: env.BILLING_RETRIES_EXHAUSTED ?? 'unpaid',
    searchQuotaEnforced: env.BILLING_SEARCH_QUOTA_ENFORCED ?? true,
    renewalsSchedule: cronSchedule('JOB_BILLING_RENEWALS_CRON', env.JOB_BILLING_RENEWALS_CRON, '*/10 * * * *', context.problems),
    idempotencyExpirySchedule: cronSchedule('JOB_BILLING_IDEMPOTENCY_CRON', env.JOB_BILLING_IDEMPOTENCY_CRON, '41 * * * *', context.problems),
    invoiceDueDays: env.BILLING_INVOICE_DUE_DAYS ?? 7,
    provider: providerConfig(env, context),
    seller: {
      name: env.BILLING_SELLER_NAME ?? 'Clearmark',
      lines: (env.BILLING_SELLER_ADDRESS ?? '')
        .split('|')
        .map((line) => line.trim())
        .filter(Boolean),
    },
  }),
});

function providerConfig(env: BillingVariables, { problems, production }: ConfigContext) {
  const sandboxWebhookSecret = env.BILLING_SANDBOX_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64url')}`;
  if (env.BILLING_PROVIDER === 'stripe' && !env.STRIPE_SECRET_KEY) problems.push('BILLING_PROVIDER=stripe: requires STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET)');
  if (env.BILLING_PROVIDER === 'sandbox' && env.STRIPE_SECRET_KEY) problems.push('BILLING_PROVIDER=sandbox: STRIPE_SECRET_KEY is set too; unset one of them');
  if (!env.STRIPE_SECRET_KEY) {
    // The sandbox takes no money: in production it runs only when asked for by name, never because a key is missing.
    if (production && env.BILLING_PROVIDER !== 'sandbox') {
      problems.push('STRIPE_SECRET_KEY: required in production (payments would go to the offline sandbox and no money would be taken); set BILLING_PROVIDER=sandbox to run the sandbox on purpose');
    }
    if (env.STRIPE_WEBHOOK_SECRET) problems.push('STRIPE_WEBHOOK_SECRET=(hidden): set without STRIPE_SECRET_KEY (the stripe provider is off)');
    return { name: 'sandbox' as const, sandboxWebhookSecret, stripe: null };
  }
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(env.STRIPE_SECRET_KEY)) problems.push('STRIPE_SECRET_KEY=(hidden): must be a Stripe secret or restricted key (sk_live_..., sk_test_..., rk_...)');
  if (!env.STRIPE_WEBHOOK_SECRET) problems.push('STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (the signing secret of the webhook endpoint, whsec_...)');
  else if (!env.STRIPE_WEBHOOK_SECRET.startsWith('whsec_')) problems.push('STRIPE_WEBHOOK_SECRET=(hidden): must start with whsec_');
  return {
    name: 'stripe' as const,
    sandboxWebhookSecret,
    stripe: { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? '', api: stripeOrigin(env.STRIPE_API_URL, problems) },
  };
}

export type BillingConfig = ConfigOf<typeof BILLING_CONFIG>;
