import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, PageQueryDto, type Page, type Principal } from '@app/common';
import { CreateSearchDto } from './dto/create-search.dto';
import { TrademarkSearchService } from './trademark-search.service';
import type { ScoredResult, SearchHistoryItem, SearchOutcome } from './search.types';

export interface SearchResponse {
  id: string;
  query: string;
  classes: number[];
  status: string;
  risk: string;
  tookMs: number;
  resultCount: number;
  createdAt: string;
  results: ScoredResult[];
}

function toResponse(outcome: SearchOutcome): SearchResponse {
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
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Clearance search: marks that could block this one, scored and explained',
  })
  @ApiCreatedResponse({ description: 'The stored search with its results' })
  async create(@CurrentUser() user: Principal, @Body() body: CreateSearchDto): Promise<SearchResponse> {
    return toResponse(await this.searches.search(user.userId, body));
  }

  @Get()
  @ApiOperation({ summary: "The caller's searches, newest first" })
  @ApiOkResponse({ description: '{ data, nextCursor }' })
  async list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<Page<Omit<SearchHistoryItem, 'createdAt'> & { createdAt: string }>> {
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
  })
  @ApiNotFoundResponse({ description: 'No search of the caller has this id' })
  async get(@CurrentUser() user: Principal, @Param('id') id: string): Promise<SearchResponse> {
    return toResponse(await this.searches.get(user.userId, id));
  }
}
