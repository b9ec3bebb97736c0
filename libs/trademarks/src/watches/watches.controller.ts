import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, type Page, type Principal } from '@app/common';
import { CreateWatchDto } from './dto/create-watch.dto';
import { WatchesService, type WatchView } from './watches.service';

@ApiTags('trademarks')
@Authenticated()
@Controller({ path: 'trademarks/watches', version: '1' })
export class WatchesController {
  constructor(private readonly watches: WatchesService) {}

  @Post()
  @Audit({ action: 'trademarks.watch-create', entityType: 'trademark_watch' })
  @ApiOperation({ summary: 'Watch a mark: new registry records that conflict above the threshold are notified, once each' })
  create(@CurrentUser() user: Principal, @Body() body: CreateWatchDto): Promise<WatchView> {
    return this.watches.create(user.userId, body);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<Page<WatchView>> {
    return this.watches.list(user.userId, query.limit ?? 20, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit({ action: 'trademarks.watch-delete', entityType: 'trademark_watch', entityIdParam: 'id' })
  async remove(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.watches.delete(user.userId, id);
  }
}
