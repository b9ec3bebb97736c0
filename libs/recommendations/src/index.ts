export * from './recommendations.module';
export { ClassRecommenderService, type ClassSuggestion } from './class-recommender.service';
export { RecommendationsService } from './recommendations.service';
export type { RecommendationRecord, RecommendationType, RecommendationStatus } from './recommendations.types';
export * from './recommendations.config';
export { ClearanceAdviceService } from './advice/clearance-advice.service';
