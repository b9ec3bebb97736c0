// Placeholder replaced by `npm run fit:search-weights` below.
import type { FeatureName } from './features';
export const SEARCH_WEIGHTS: { bias: number; weights: Record<FeatureName, number> } = {
  bias: -4,
  weights: { identical: 3, appearance: 3, sound: 2, wordCoverage: 3, dominantShared: 1, meaning: 2, initials: 2, contains: 1, reordered: 1, unmatchedDistinct: -1, shortOneLetter: 1, classSame: 1, classRelated: 0.5, classUnrelated: -1, unrelatedSimilar: -2, dead: -1 },
};
