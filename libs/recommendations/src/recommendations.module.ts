import { Module } from '@nestjs/common';
import { ClassRecommenderService } from './class-recommender.service';
import { RecommendationsController } from './recommendations.controller';

/** Recommendations: Nice classes from plain words (the trained recommender), under /v1/recommendations. */
@Module({
  controllers: [RecommendationsController],
  providers: [ClassRecommenderService],
  exports: [ClassRecommenderService],
})
export class RecommendationsModule {}
