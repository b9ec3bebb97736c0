/**
 * The learned weights of the search's logistic model (probability = 1 / (1 + e^-(bias + sum of
 * weight x feature)), features in features.ts). WRITTEN BY `npm run fit:search-weights`
 * (bench/fit-search-weights.ts, `FIT_RECORDS=30000`): fitted on 82130 pairs generated from a
 * 30000-mark registry (perturbations of each miss kind as positives; random, crowded-word-only,
 * same-prefix and short-two-letters-apart pairs as negatives), never on the
 * development pairs. The logistic model on the 70003 pairs of a live prior record; deadFactor,
 * the share of that probability a dead prior record keeps, on the other 12127. Mean log
 * loss 0.147. Do not edit by hand: change the generator or the features and re-fit.
 */
import type { FeatureName } from './features';

export const SEARCH_WEIGHTS: { bias: number; weights: Record<FeatureName, number>; deadFactor: number } = {
  bias: -10.393,
  weights: {
    identical: 0.087,
    appearance: 6.868,
    sound: 0.613,
    wordCoverage: 5.309,
    dominantShared: -0.344,
    meaning: 3.275,
    initials: 11.911,
    contains: 2.588,
    reordered: -0.380,
    unmatchedDistinct: -0.550,
    shortOneLetter: 5.127,
    classSame: 4.043,
    classRelated: 4.096,
    classUnrelated: -6.687,
    unrelatedSimilar: 1.679,
  },
  deadFactor: 0.501,
};
