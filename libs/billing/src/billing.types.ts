import type { InvoiceStatus } from './invoice-state';
import type { Money } from './money.util';

export interface PlanRecord {
  code: string;
  name: string;
  price: Money;
  interval: 'month';
  searchQuota: number;
  trialDays: number;
}

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
