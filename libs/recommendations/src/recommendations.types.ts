export const RECOMMENDATION_TYPES = ['nice-class', 'risk-summary', 'classes', 'watch', 'alternatives'] as const;
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];
export const RECOMMENDATION_STATUSES = ['new', 'accepted', 'dismissed'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];
export type RecommendationAction = 'made' | 'shown' | 'accepted' | 'dismissed';

export interface RecommendationRecord {
  id: string;
  userId: string;
  type: RecommendationType;
  status: RecommendationStatus;
  title: string;
  payload: Record<string, unknown>;
  modelVersion: string;
  actedAt: Date | null;
  createdAt: Date;
}

export interface NewRecommendation {
  userId: string;
  type: RecommendationType;
  title: string;
  payload: Record<string, unknown>;
  modelVersion: string;
}

export interface RecommendationStatsRow {
  type: string;
  modelVersion: string;
  made: number;
  shown: number;
  accepted: number;
  dismissed: number;
  /** accepted / made; null when none was made. */
  acceptanceRate: number | null;
}

export interface RecommendationStats {
  type: string;
  modelVersion: string;
  action: RecommendationAction;
  count: number;
}
