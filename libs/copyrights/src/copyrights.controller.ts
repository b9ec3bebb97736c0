import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, Created, CurrentUser, PageQueryDto, ParseIdPipe, type Principal } from '@app/common';
import { CopyrightsService } from './copyrights.service';
import { CreateCopyrightDto, UpdateCopyrightDto } from './dto/copyright-input.dto';
import { CopyrightHistoryResponseDto, CopyrightListResponseDto, CopyrightLogResponseDto, CopyrightResponseDto } from './dto/copyright-response.dto';
import { ListCopyrightsDto } from './dto/list-copyrights.dto';

const NOT_FOUND = 'No work of the caller has this id (another user’s work included)';
const WRONG_STATE = 'The work’s current state does not allow this (problem+json with currentStatus)';

@ApiTags('copyrights')
@Authenticated()
@Controller({ path: 'copyrights', version: '1' })
export class CopyrightsController {
  constructor(private readonly copyrights: CopyrightsService) {}

  @Post()
  @Audit({ action: 'copyrights.create-request', entityType: 'copyright' })
  @ApiOperation({
    summary: 'Record a work (status draft), with its computed term of protection',
    description: 'Creates the work as a draft; its term of protection is computed from its type, authors and dates. Location names the new work.',
  })
  @Created({ type: CopyrightResponseDto, description: 'The new draft', location: '/v1/copyrights/{id}' })
  @ApiBadRequestResponse({ description: 'Invalid fields (dates in the future, publication before creation...)' })
  async create(@CurrentUser() user: Principal, @Body() body: CreateCopyrightDto): Promise<CopyrightResponseDto> {
    return CopyrightResponseDto.from(
      await this.copyrights.create(user.userId, {
        title: body.title.trim(),
        workType: body.workType,
        authors: body.authors.map((a) => ({ ...a })),
        creationDate: body.creationDate,
        publicationDate: body.publicationDate ?? null,
        description: body.description ?? null,
        metadata: body.metadata ?? {},
      }),
    );
  }

  @Get()
  @ApiOperation({
    summary: 'The caller’s works, newest first: by status, type, title words, author, creation date range',
    description: 'Filtered by status, type, title words, author and creation date range; cursor-paginated.',
  })
  @ApiOkResponse({ type: CopyrightListResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid filter or cursor' })
  async list(@CurrentUser() user: Principal, @Query() query: ListCopyrightsDto): Promise<CopyrightListResponseDto> {
    const { limit, cursor, ...filter } = query;
    const page = await this.copyrights.list(user.userId, filter, limit ?? 20, cursor);
    return { data: page.data.map(CopyrightResponseDto.from), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One of the caller’s works',
    description: 'The work with its authors, status and term of protection. Another user’s work answers 404.',
  })
  @ApiOkResponse({ type: CopyrightResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async get(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<CopyrightResponseDto> {
    return CopyrightResponseDto.from(await this.copyrights.get(user.userId, id));
  }

  @Patch(':id')
  @Audit({ action: 'copyrights.update-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Edit a draft',
    description: 'Partial update of a draft: fields left out are unchanged. Only drafts can be edited (409 otherwise).',
  })
  @ApiOkResponse({ type: CopyrightResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid fields' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: WRONG_STATE })
  async update(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: UpdateCopyrightDto): Promise<CopyrightResponseDto> {
    return CopyrightResponseDto.from(
      await this.copyrights.update(user.userId, id, {
        ...(body.title !== undefined ? { title: body.title.trim() } : {}),
        ...(body.workType !== undefined ? { workType: body.workType } : {}),
        ...(body.authors !== undefined ? { authors: body.authors.map((a) => ({ ...a })) } : {}),
        ...(body.creationDate !== undefined ? { creationDate: body.creationDate } : {}),
        ...(body.publicationDate !== undefined ? { publicationDate: body.publicationDate } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
      }),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit({ action: 'copyrights.delete-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Delete a draft',
    description: 'Only drafts can be deleted (409 otherwise).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: WRONG_STATE })
  async remove(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.copyrights.delete(user.userId, id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Audit({ action: 'copyrights.submit-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Submit a draft for registration (draft -> submitted)',
    description: 'Moves the work from draft to submitted; an admin then registers or rejects it.',
  })
  @ApiOkResponse({ type: CopyrightResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: WRONG_STATE })
  async submit(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<CopyrightResponseDto> {
    return CopyrightResponseDto.from(await this.copyrights.transition(user.userId, id, 'submit'));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Audit({ action: 'copyrights.withdraw-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Withdraw a submission (submitted -> withdrawn)',
    description: 'Moves a submitted work to withdrawn.',
  })
  @ApiOkResponse({ type: CopyrightResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: WRONG_STATE })
  async withdraw(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<CopyrightResponseDto> {
    return CopyrightResponseDto.from(await this.copyrights.transition(user.userId, id, 'withdraw'));
  }

  @Post(':id/redraft')
  @HttpCode(200)
  @Audit({ action: 'copyrights.redraft-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Make a withdrawn work a draft again (withdrawn -> draft)',
    description: 'Moves a withdrawn work back to draft, to edit and submit again.',
  })
  @ApiOkResponse({ type: CopyrightResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: WRONG_STATE })
  async redraft(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<CopyrightResponseDto> {
    return CopyrightResponseDto.from(await this.copyrights.transition(user.userId, id, 'redraft'));
  }

  @Get(':id/history')
  @ApiOperation({
    summary: 'Every change of the work, oldest first',
    description: 'Creation, edits and status changes with who made them and which fields changed; cursor-paginated.',
  })
  @ApiOkResponse({ type: CopyrightHistoryResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async history(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQueryDto): Promise<CopyrightHistoryResponseDto> {
    const page = await this.copyrights.history(user.userId, id, query.limit ?? 20, query.cursor);
    return { data: page.data.map(CopyrightLogResponseDto.from), nextCursor: page.nextCursor };
  }
}
