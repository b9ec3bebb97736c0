import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, type Principal, ParseIdPipe, Created } from '@app/common';
import { CreateWatchDto } from './dto/create-watch.dto';
import { WatchListResponseDto, WatchResponseDto } from './dto/watch-response.dto';
import { WatchesService } from './watches.service';

@ApiTags('trademarks')
@Authenticated()
@Controller({ path: 'trademarks/watches', version: '1' })
export class WatchesController {
  constructor(private readonly watches: WatchesService) {}

  @Post()
  @Audit({ action: 'trademarks.watch-create', entityType: 'trademark_watch' })
  @ApiOperation({
    summary: 'Watch a mark',
    description: 'New registry records that conflict with the mark in its classes above the threshold are notified, once each.',
  })
  @Created({ type: WatchResponseDto, description: 'The new watch', location: '/v1/trademarks/watches/{id}' })
  create(@CurrentUser() user: Principal, @Body() body: CreateWatchDto): Promise<WatchResponseDto> {
    return this.watches.create(user.userId, body);
  }

  @Get()
  @ApiOperation({ summary: "The caller's watches, newest first", description: 'Cursor-paginated: pass `nextCursor` as `cursor` for the next page.' })
  @ApiOkResponse({ type: WatchListResponseDto, description: 'A page of watches' })
  list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<WatchListResponseDto> {
    return this.watches.list(user.userId, query.limit ?? 20, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit({ action: 'trademarks.watch-delete', entityType: 'trademark_watch', entityIdParam: 'id' })
  @ApiOperation({ summary: 'Stop watching a mark', description: 'Deletes the watch; another user’s watch id answers 404.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.watches.delete(user.userId, id);
  }
}
