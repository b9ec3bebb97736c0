import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const AUDIT_EVENTS_TOTAL = 'audit_events_total';

/** Labels are bounded: actions are names declared in code (decorators, explicit events). */
export const auditMetricProviders = [
  makeCounterProvider({
    name: AUDIT_EVENTS_TOTAL,
    help: 'Audit events recorded, by action and outcome.',
    labelNames: ['action', 'outcome'],
  }),
];
