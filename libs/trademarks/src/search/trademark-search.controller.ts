import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, PageQueryDto, ParseIdPipe, type Principal, Created } from '@app/common';
import { CreateSearchDto } from './dto/create-search.dto';
import { TrademarkSearchService } from './trademark-search.service';
import { SearchListResponseDto, SearchResponseDto } from './dto/search-response.dto';
import type { SearchOutcome } from './search.types';

function toResponse(outcome: SearchOutcome): SearchResponseDto {
  return {
    id: outcome.id,
    query: outcome.query,
    classes: outcome.classes,
    status: outcome.status,
    risk: outcome.risk,
    tookMs: outcome.tookMs,
    resultCount: outcome.resultCount,
    createdAt: outcome.createdAt.toISOString(),
    results: outcome.results,
  };
}

@ApiTags('trademarks')
@Authenticated()
@Controller({ path: 'trademarks/searches', version: '1' })
export class TrademarkSearchController {
  constructor(private readonly searches: TrademarkSearchService) {}

  @Post()
  @ApiOperation({
    summary: 'Clearance search: marks that could block this one, scored and explained',
    description:
      'Searches the registry for marks that could be confused with this one in the given Nice classes, scores each (estimated probability of a likelihood of confusion, in percent), explains why, and stores the search (Location names it).',
  })
  @Created({ type: SearchResponseDto, description: 'The stored search with its results', location: '/v1/trademarks/searches/{id}' })
  async create(@CurrentUser() user: Principal, @Body() body: CreateSearchDto): Promise<SearchResponseDto> {
    return toResponse(await this.searches.search(user.userId, body));
  }

  @Get()
  @ApiOperation({ summary: "The caller's searches, newest first", description: 'Past searches without their results; cursor-paginated.' })
  @ApiOkResponse({ type: SearchListResponseDto, description: 'A page of searches' })
  async list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<SearchListResponseDto> {
    const page = await this.searches.list(user.userId, query.limit, query.cursor);
    return {
      data: page.data.map((s) => ({
        ...s,
        createdAt: s.createdAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One of the caller’s searches with its results snapshot',
    description: 'The results as they were when the search ran (the registry may have changed since).',
  })
  @ApiOkResponse({ type: SearchResponseDto, description: 'The search and its results' })
  @ApiNotFoundResponse({ description: 'No search of the caller has this id' })
  async get(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<SearchResponseDto> {
    return toResponse(await this.searches.get(user.userId, id));
  }
}
