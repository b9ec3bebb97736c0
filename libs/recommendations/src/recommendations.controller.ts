import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@app/common';
import { ClassRecommenderService } from './class-recommender.service';
import { ClassSuggestionsResponseDto, SuggestClassesDto } from './dto/class-suggestions.dto';

@ApiTags('recommendations')
@Authenticated()
@Controller({ path: 'recommendations', version: '1' })
export class RecommendationsController {
  constructor(private readonly classes: ClassRecommenderService) {}

  @Post('classes')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Nice classes for goods and services described in plain words' })
  @ApiOkResponse({ type: ClassSuggestionsResponseDto })
  @ApiBadRequestResponse({ description: 'Empty description, or longer than 10,000 characters' })
  suggestClasses(@Body() body: SuggestClassesDto): ClassSuggestionsResponseDto {
    return this.classes.suggest(body.description);
  }
}
