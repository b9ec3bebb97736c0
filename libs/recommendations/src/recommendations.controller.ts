import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal, ParseIdPipe } from '@app/common';
import { ClassSuggestionsResponseDto, SuggestClassesDto } from './dto/class-suggestions.dto';
import { ListRecommendationsDto, RecommendationDto, RecommendationListDto, RecommendationStatsDto } from './dto/recommendations.dto';
import { RecommendationsService } from './recommendations.service';

@ApiTags('recommendations')
@Authenticated()
@Controller({ path: 'recommendations', version: '1' })
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Post('classes')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Nice classes for goods and services described in plain words',
    description: 'Up to 5 classes, best first, each with a calibrated confidence and the official terms that matched; each is stored as a recommendation to accept or dismiss.',
  })
  @ApiOkResponse({ type: ClassSuggestionsResponseDto, description: 'The suggestions' })
  @ApiBadRequestResponse({ description: 'Empty description, or longer than 10,000 characters' })
  suggestClasses(@CurrentUser() user: Principal, @Body() body: SuggestClassesDto): Promise<ClassSuggestionsResponseDto> {
    return this.recommendations.suggestClasses(user.userId, body.description);
  }

  @Get()
  @ApiOperation({ summary: "The caller's recommendations, newest first", description: 'Filtered by status and type; cursor-paginated.' })
  @ApiOkResponse({ type: RecommendationListDto, description: 'The recommendations' })
  async list(@CurrentUser() user: Principal, @Query() query: ListRecommendationsDto): Promise<RecommendationListDto> {
    const { limit, cursor, ...filter } = query;
    const page = await this.recommendations.list(user.userId, filter, limit ?? 20, cursor);
    return { data: page.data.map((r) => RecommendationDto.from(r)), nextCursor: page.nextCursor };
  }

  @Post(':id/accept')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Accept one of the caller’s recommendations', description: 'Idempotent; 409 if it was dismissed.' })
  @ApiNoContentResponse({ description: 'Accepted' })
  @ApiNotFoundResponse({ description: 'No recommendation of the caller has this id' })
  @ApiConflictResponse({ description: 'Already dismissed' })
  accept(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.recommendations.answer(user.userId, id, 'accepted');
  }

  @Post(':id/dismiss')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Dismiss one of the caller’s recommendations', description: 'Idempotent; 409 if it was accepted.' })
  @ApiNoContentResponse({ description: 'Dismissed' })
  @ApiNotFoundResponse({ description: 'No recommendation of the caller has this id' })
  @ApiConflictResponse({ description: 'Already accepted' })
  dismiss(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.recommendations.answer(user.userId, id, 'dismissed');
  }
}

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/recommendations', version: '1' })
export class AdminRecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Recommendation statistics', description: 'Recommendations made, shown, accepted and dismissed, by type and model version.' })
  @ApiOkResponse({ type: RecommendationStatsDto, description: 'One row per type and model version' })
  async stats(): Promise<RecommendationStatsDto> {
    return { data: await this.recommendations.stats() };
  }
}
