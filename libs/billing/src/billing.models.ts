import { IdempotencyKey } from './models/idempotency-key.model';
import { Invoice } from './models/invoice.model';
import { InvoiceLine } from './models/invoice-line.model';
import { InvoiceNumberCounter } from './models/invoice-number-counter.model';
import { Payment } from './models/payment.model';
import { Plan } from './models/plan.model';
import { SearchUsage } from './models/search-usage.model';
import { Subscription } from './models/subscription.model';
import { WebhookEvent } from './models/webhook-event.model';

/** The models of the billing lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const BILLING_MODELS = [Plan, Invoice, InvoiceLine, InvoiceNumberCounter, Subscription, Payment, IdempotencyKey, WebhookEvent, SearchUsage];
