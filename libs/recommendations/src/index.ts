export * from './recommendations.module';
export { ClassRecommenderService, type ClassSuggestion } from './class-recommender.service';
