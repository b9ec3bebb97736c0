import { DynamicModule, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { ClearanceAdviceService } from './advice/clearance-advice.service';
import { ClassRecommenderService } from './class-recommender.service';
import { RecommendationLog } from './models/recommendation-log.model';
import { Recommendation } from './models/recommendation.model';
import { AdminRecommendationsController, RecommendationsController } from './recommendations.controller';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';

export const RECOMMENDATIONS_MODELS = [Recommendation, RecommendationLog];

export interface RecommendationsModuleOptions {
  /**
   * The app's configured trademarks module (TrademarksModule.forRoot(...), the same object the app
   * imports): the advice reads committed searches from it, searches alternatives with its engine
   * and creates accepted watches through its WatchesService.
   */
  trademarks: DynamicModule;
}

/**
 * Recommendations under /v1/recommendations: Nice classes from plain words (the trained
 * recommender), clearance advice after each search, answers and their log.
 */
@Module({})
export class RecommendationsModule {
  static register(options: RecommendationsModuleOptions): DynamicModule {
    return {
      module: RecommendationsModule,
      imports: [SequelizeModule.forFeature(RECOMMENDATIONS_MODELS), options.trademarks],
      controllers: [RecommendationsController, AdminRecommendationsController],
      providers: [ClassRecommenderService, RecommendationsRepository, RecommendationsService, ClearanceAdviceService],
      exports: [ClassRecommenderService, RecommendationsService],
    };
  }
}
