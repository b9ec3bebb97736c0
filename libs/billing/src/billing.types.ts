import type { InvoiceStatus } from './invoice-state';
import type { DisputeStatus, PaymentStatus } from './payment-state';
import type { SubscriptionStatus } from './subscription-state';
import type { Money } from './money.util';

export interface PlanRecord {
  code: string;
  name: string;
  price: Money;
  interval: 'month';
  searchQuota: number;
  trialDays: number;
  /** Retired plans keep their subscribers but take no new ones. */
  active: boolean;
}

/** What an admin may change on a plan (its price and currency are fixed: subscribers were promised them). */
export type PlanChanges = Partial<Pick<PlanRecord, 'name' | 'searchQuota' | 'trialDays' | 'active'>>;

export interface InvoiceLineRecord {
  description: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  quantity: number;
  unitAmount: bigint;
  amount: bigint;
}

export interface InvoiceRecord {
  id: string;
  userId: string;
  subscriptionId: string | null;
  /** The plan it bills for (subscription invoices); paying an upgrade's invoice moves the subscription to it. */
  planCode: string | null;
  number: string | null;
  status: InvoiceStatus;
  currency: string;
  lines: InvoiceLineRecord[];
  subtotal: bigint;
  taxRateBps: number;
  tax: bigint;
  total: bigint;
  amountPaid: bigint;
  billingReason: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  dueAt: Date | null;
  finalizedAt: Date | null;
  paidAt: Date | null;
  createdAt: Date;
}

/** A draft as the service computed it: lines and totals are exact integers already. */
export interface NewInvoice {
  userId: string;
  subscriptionId: string | null;
  planCode: string | null;
  currency: string;
  lines: InvoiceLineRecord[];
  subtotal: bigint;
  taxRateBps: number;
  tax: bigint;
  total: bigint;
  billingReason: string;
  periodStart: Date | null;
  periodEnd: Date | null;
}

export interface SubscriptionRecord {
  id: string;
  userId: string;
  planCode: string;
  status: SubscriptionStatus;
  provider: string;
  paymentMethod: string;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  pendingPlanCode: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  failedAttempts: number;
  firstFailedAt: Date | null;
  nextRetryAt: Date | null;
  incompleteExpiresAt: Date | null;
  trialStart: Date | null;
  trialEnd: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewSubscription = Pick<
  SubscriptionRecord,
  'userId' | 'planCode' | 'status' | 'provider' | 'paymentMethod' | 'currentPeriodStart' | 'currentPeriodEnd' | 'incompleteExpiresAt' | 'trialStart' | 'trialEnd'
>;

export type SubscriptionChanges = Partial<
  Omit<SubscriptionRecord, 'id' | 'userId' | 'provider' | 'createdAt' | 'updatedAt'>
>;

export interface PaymentRecord {
  id: string;
  userId: string;
  invoiceId: string;
  subscriptionId: string | null;
  amount: bigint;
  amountRefunded: bigint;
  currency: string;
  status: PaymentStatus;
  provider: string;
  providerIdempotencyKey: string;
  providerReference: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  succeededAt: Date | null;
  failedAt: Date | null;
  dispute: PaymentDispute | null;
  createdAt: Date;
}

/** A chargeback on a payment (the provider's charge.dispute.* events). */
export interface PaymentDispute {
  reference: string;
  status: DisputeStatus;
  amount: bigint;
  reason: string | null;
}

export type NewPayment = Pick<PaymentRecord, 'userId' | 'invoiceId' | 'subscriptionId' | 'amount' | 'currency' | 'provider' | 'providerIdempotencyKey'>;

export type PaymentChanges = Partial<
  Pick<PaymentRecord, 'status' | 'amountRefunded' | 'providerReference' | 'failureCode' | 'failureMessage' | 'succeededAt' | 'failedAt'>
> & { dispute?: PaymentDispute };
