export * from './copyrights.module';
export * from './copyrights.service';
export * from './copyrights.errors';
export * from './copyright-lifecycle';
export { protectionTerm, type ProtectionTerm } from './protection-term.util';
export { normalizeRegistrationNumber } from './registration-number.util';
export type { CopyrightView, CopyrightLogRecord, CopyrightListFilter, WorkType } from './copyrights.types';
export { WORK_TYPES } from './copyrights.types';
