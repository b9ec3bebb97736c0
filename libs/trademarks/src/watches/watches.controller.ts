import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, Created, CurrentUser, PageQueryDto, ParseIdPipe, ValidationFailedError, type Principal } from '@app/common';
import { CreateWatchDto, UpdateWatchDto } from './dto/create-watch.dto';
import { CreatedWatchResponseDto, WatchHitListResponseDto, WatchHitResponseDto, WatchListResponseDto, WatchResponseDto } from './dto/watch-response.dto';
import { WatchesService } from './watches.service';

const NOT_FOUND = 'No watch of the caller has this id (another user’s watch included)';
const DUPLICATE = 'The caller already watches this mark (ignoring case) in these classes: problem+json `watch-duplicate` with the `watchId` to change instead';

@ApiTags('trademarks')
@Authenticated()
@Controller({ path: 'trademarks/watches', version: '1' })
export class WatchesController {
  constructor(private readonly watches: WatchesService) {}

  @Post()
  @Audit({ action: 'trademarks.watch-create', entityType: 'trademark_watch' })
  @ApiOperation({
    summary: 'Watch a mark',
    description:
      'The conflicts the registry already holds come back at once (`existingConflicts`, the first page of the watch’s hits); new records that conflict above the threshold are notified later, once each.',
  })
  @Created({ type: CreatedWatchResponseDto, description: 'The new watch with the conflicts that already exist', location: '/v1/trademarks/watches/{id}' })
  @ApiBadRequestResponse({ description: 'Invalid fields (no class, a class outside 1 to 45, a threshold outside 1 to 100...)' })
  @ApiConflictResponse({ description: DUPLICATE })
  async create(@CurrentUser() user: Principal, @Body() body: CreateWatchDto): Promise<CreatedWatchResponseDto> {
    return CreatedWatchResponseDto.fromCreated(await this.watches.create(user.userId, body));
  }

  @Get()
  @ApiOperation({ summary: "The caller's watches, newest first", description: 'Cursor-paginated: pass `nextCursor` as `cursor` for the next page.' })
  @ApiOkResponse({ type: WatchListResponseDto, description: 'A page of watches' })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor' })
  async list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<WatchListResponseDto> {
    const page = await this.watches.list(user.userId, query.limit ?? 20, query.cursor);
    return { data: page.data.map(WatchResponseDto.from), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of the caller’s watches', description: 'Its mark, classes, threshold and state. Another user’s watch answers 404.' })
  @ApiOkResponse({ type: WatchResponseDto, description: 'The watch' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async get(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<WatchResponseDto> {
    return WatchResponseDto.from(await this.watches.get(user.userId, id));
  }

  @Patch(':id')
  @Audit({ action: 'trademarks.watch-update', entityType: 'trademark_watch', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Pause or resume a watch, or change its threshold or classes',
    description: 'Partial update of `active`, `threshold` and `classes`. The conflicts the new terms find in the registry become hits, not notifications.',
  })
  @ApiOkResponse({ type: WatchResponseDto, description: 'The watch after the change' })
  @ApiBadRequestResponse({ description: 'Invalid fields, or none of active, threshold, classes' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: DUPLICATE })
  async update(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: UpdateWatchDto): Promise<WatchResponseDto> {
    if (body.active === undefined && body.threshold === undefined && body.classes === undefined) {
      throw new ValidationFailedError([{ field: 'body', message: 'must set at least one of active, threshold, classes' }]);
    }
    return WatchResponseDto.from(
      await this.watches.update(user.userId, id, {
        ...(body.active !== undefined ? { active: body.active } : {}),
        ...(body.threshold !== undefined ? { threshold: body.threshold } : {}),
        ...(body.classes !== undefined ? { classes: body.classes } : {}),
      }),
    );
  }

  @Get(':id/hits')
  @ApiOperation({
    summary: 'The conflicts a watch has found',
    description: 'Newest first (strongest first among those found together), with the registry record as it reads now; cursor-paginated.',
  })
  @ApiOkResponse({ type: WatchHitListResponseDto, description: 'A page of hits' })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async hits(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQueryDto): Promise<WatchHitListResponseDto> {
    const page = await this.watches.hits(user.userId, id, query.limit ?? 20, query.cursor);
    return { data: page.data.map(WatchHitResponseDto.from), nextCursor: page.nextCursor };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Audit({ action: 'trademarks.watch-delete', entityType: 'trademark_watch', entityIdParam: 'id' })
  @ApiOperation({ summary: 'Stop watching a mark', description: 'Deletes the watch and its hits. Another user’s watch answers 404.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async remove(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.watches.delete(user.userId, id);
  }
}
