export * from './money.util';
export * from './billing.errors';
export * from './subscription-state';
export * from './invoice-state';
export * from './invoice-number.util';
export * from './proration.util';
export * from './retry-schedule.util';
