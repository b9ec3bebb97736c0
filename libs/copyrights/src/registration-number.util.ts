import type { WorkType } from './copyrights.types';

/**
 * US Copyright Office registration number prefixes by work type: TX/TXu literary works and
 * software, PA/PAu performing arts (music, dramatic, audiovisual), VA/VAu visual arts and
 * architectural works, SR/SRu sound recordings; the `u` forms are unpublished works. The prefix
 * is followed by 10 digits (e.g. TX0001234567).
 */
export const REGISTRATION_PREFIXES: Record<WorkType, string> = {
  literary: 'TX',
  software: 'TX',
  musical: 'PA',
  dramatic: 'PA',
  audiovisual: 'PA',
  visual: 'VA',
  architectural: 'VA',
  'sound-recording': 'SR',
};

/** The registration number normalized (upper-case prefix, no spaces/dashes), or null when it does not fit the type. */
export function normalizeRegistrationNumber(workType: WorkType, input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  const match = /^([A-Za-z]{2})(u?)(\d{10})$/.exec(compact);
  if (!match) return null;
  const prefix = match[1].toUpperCase();
  if (prefix !== REGISTRATION_PREFIXES[workType]) return null;
  return `${prefix}${match[2]}${match[3]}`;
}
