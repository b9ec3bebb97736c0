import { InvalidTransitionError } from './billing.errors';

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/**
 * Every allowed invoice transition, in one place: draft -> open (finalize: the number is taken
 * then) -> paid | void | uncollectible; uncollectible -> paid | void; paid and void are final.
 * A draft is never paid or voided directly: it is finalized first, or deleted.
 */
export const INVOICE_TRANSITIONS: Readonly<Record<InvoiceStatus, readonly InvoiceStatus[]>> = {
  draft: ['open'],
  open: ['paid', 'void', 'uncollectible'],
  paid: [],
  void: [],
  uncollectible: ['paid', 'void'],
};

export function canTransitionInvoice(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return INVOICE_TRANSITIONS[from].includes(to);
}

/** Returns `to` when allowed; throws InvalidTransitionError (409) otherwise. */
export function transitionInvoice(from: InvoiceStatus, to: InvoiceStatus): InvoiceStatus {
  if (!canTransitionInvoice(from, to)) throw new InvalidTransitionError('invoice', from, to);
  return to;
}
