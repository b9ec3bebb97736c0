/**
 * The learned weights of the search's logistic model (probability = 1 / (1 + e^-(bias + sum of
 * weight x feature)), features in features.ts). WRITTEN BY `npm run fit:search-weights`
 * (bench/fit-search-weights.ts): fitted on 82130 pairs generated from a 30000-mark registry
 * (perturbations of each miss kind as positives; random, crowded-word-only, same-prefix and
 * short-two-letters-apart pairs as negatives), never on the development pairs. Mean log loss
 * 0.163. Do not edit by hand: change the generator or the features and re-fit.
 */
import type { FeatureName } from './features';

export const SEARCH_WEIGHTS: { bias: number; weights: Record<FeatureName, number> } = {
  bias: -8.453,
  weights: {
    identical: -0.296,
    appearance: 6.029,
    sound: 0.392,
    wordCoverage: 4.615,
    dominantShared: -0.314,
    meaning: 3.074,
    initials: 9.084,
    contains: 1.979,
    reordered: -0.506,
    unmatchedDistinct: -0.039,
    shortOneLetter: 4.229,
    classSame: 2.591,
    classRelated: 2.688,
    classUnrelated: -7.257,
    unrelatedSimilar: 2.341,
    dead: -3.856,
  },
};
