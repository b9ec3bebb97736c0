import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { ClassRecommenderService } from './class-recommender.service';
import { RecommendationLog } from './models/recommendation-log.model';
import { Recommendation } from './models/recommendation.model';
import { AdminRecommendationsController, RecommendationsController } from './recommendations.controller';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';

export const RECOMMENDATIONS_MODELS = [Recommendation, RecommendationLog];

/** Recommendations: Nice classes from plain words (the trained recommender), answers and their log, under /v1/recommendations. */
@Module({
  imports: [SequelizeModule.forFeature(RECOMMENDATIONS_MODELS)],
  controllers: [RecommendationsController, AdminRecommendationsController],
  providers: [ClassRecommenderService, RecommendationsRepository, RecommendationsService],
  exports: [ClassRecommenderService, RecommendationsService],
})
export class RecommendationsModule {}
