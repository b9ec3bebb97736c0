import { Invoice } from './models/invoice.model';
import { InvoiceLine } from './models/invoice-line.model';
import { InvoiceNumberCounter } from './models/invoice-number-counter.model';
import { Plan } from './models/plan.model';

/** The models of the billing lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const BILLING_MODELS = [Plan, Invoice, InvoiceLine, InvoiceNumberCounter];
