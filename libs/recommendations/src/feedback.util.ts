/**
 * How acceptance history re-ranks class suggestions, with a bounded influence:
 *
 * - Past answers count for a new description in proportion to their similarity (Jaccard of the
 *   two descriptions' content lemmas), and only from SIMILARITY_FLOOR up.
 * - A class's shift is (sum of similarity x (+1 accepted, -1 dismissed)), clamped to [-1, 1], times
 *   MAX_SHIFT: at most +-0.05 of confidence. Two classes can therefore swap only when their
 *   confidences were less than 2 x MAX_SHIFT apart: a near-tie.
 * - Only classes the model itself suggested (classifier.ts selectSuggestions: its first five with
 *   a confidence at least the prior of a class) move at all: feedback never brings in a class the
 *   model did not already rank near the top.
 */
export const MAX_SHIFT = 0.05;
export const SIMILARITY_FLOOR = 0.3;

export interface PastAnswer {
  class: number;
  accepted: boolean;
  /** Content lemmas of the description the answer was given for. */
  lemmas: string[];
}

export interface Ranked {
  class: number;
  confidence: number;
}

export function similarity(a: readonly string[], b: readonly string[]): number {
  const x = new Set(a);
  const y = new Set(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const w of x) if (y.has(w)) common++;
  return common / (x.size + y.size - common);
}

/** The shift of each class from the answers given for similar descriptions, within +-MAX_SHIFT. */
export function feedbackShifts(lemmas: readonly string[], history: readonly PastAnswer[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (const answer of history) {
    const sim = similarity(lemmas, answer.lemmas);
    if (sim < SIMILARITY_FLOOR) continue;
    sums.set(answer.class, (sums.get(answer.class) ?? 0) + (answer.accepted ? sim : -sim));
  }
  const shifts = new Map<number, number>();
  for (const [cls, sum] of sums) shifts.set(cls, Math.max(-1, Math.min(1, sum)) * MAX_SHIFT);
  return shifts;
}

/** The suggestions re-ranked by the shifts; the confidence shown is the shifted one, within [0, 1]. */
export function applyFeedback<T extends Ranked>(suggestions: readonly T[], shifts: ReadonlyMap<number, number>): T[] {
  return suggestions
    .map((s, i) => ({ s: { ...s, confidence: Math.round(Math.max(0, Math.min(1, s.confidence + (shifts.get(s.class) ?? 0))) * 1000) / 1000 }, i }))
    .sort((a, b) => b.s.confidence - a.s.confidence || a.i - b.i)
    .map(({ s }) => s);
}
