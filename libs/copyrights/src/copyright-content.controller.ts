import type { MultipartFile } from '@fastify/multipart';
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audit } from '@app/auditing';
import { AcceptsMultipart, AppError, Authenticated, CurrentUser, ParseIdPipe, ValidationFailedError, type Principal } from '@app/common';
import { ContentTooLargeError } from './content/content-analyzer';
import { ContentTooLargeProblem, CopyrightContentService } from './copyright-content.service';
import { ContentResponseDto, MatchListResponseDto, MatchResponseDto, UploadResponseDto } from './dto/content.dto';

const NOT_FOUND = 'No work of the caller has this id (another user’s work included)';

class NotMultipartProblem extends AppError {
  constructor() {
    super('copyright-content-not-multipart', 415, 'Unsupported Media Type', { detail: 'Send the file as multipart/form-data (one file part)' });
  }
}

/** Room for the multipart boundaries and part headers around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The file part's bytes; multipart's own size error becomes ContentTooLargeError, anything else a 400. */
async function* bytesOf(file: MultipartFile): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of file.file) yield chunk as Buffer;
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new ContentTooLargeError('file part over the limit');
    throw new ValidationFailedError([{ field: 'file', message: 'the multipart body could not be read' }]);
  }
  if (file.file.truncated) throw new ContentTooLargeError('file part over the limit');
}

@ApiTags('copyrights')
@Authenticated()
@Controller({ path: 'copyrights', version: '1' })
export class CopyrightContentController {
  constructor(private readonly content: CopyrightContentService) {}

  @Post(':id/content')
  @AcceptsMultipart()
  @Audit({ action: 'copyrights.content-upload-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Upload the work’s content (one file, multipart/form-data): it is fingerprinted while it streams in and compared with every other work',
    description:
      'The service keeps fingerprints, not the file (unless COPYRIGHT_CONTENT_DIR is set). The type is sniffed from the bytes: text (plain, Markdown, HTML, PDF) gets winnowing fingerprints, images (JPEG, PNG, WebP, GIF) a pHash and a dHash, anything else its SHA-256 only. Only drafts take content; a new upload replaces the old one.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({
    type: UploadResponseDto,
    description: 'The content’s fingerprints and the matches found',
    headers: { Location: { description: 'The content: /v1/copyrights/{id}/content', schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ description: 'No file part, or a malformed multipart body' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: 'The work is not a draft (problem+json with currentStatus)' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than COPYRIGHT_UPLOAD_MAX_BYTES: nothing was kept' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not multipart/form-data' })
  @ApiUnprocessableEntityResponse({ description: 'An image or PDF (by its bytes) that cannot be decoded' })
  async upload(
    @CurrentUser() user: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UploadResponseDto> {
    if (!request.isMultipart()) throw new NotMultipartProblem();
    const max = this.content.maxUploadBytes;
    // A declared length far over the limit is refused before a byte is read.
    if (Number(request.headers['content-length'] ?? 0) > max + MULTIPART_OVERHEAD_BYTES) throw new ContentTooLargeProblem(max);
    await this.content.assertUploadable(user.userId, id);
    let file: MultipartFile | undefined;
    try {
      file = await request.file({ limits: { fileSize: max, files: 1, fields: 10, parts: 12 } });
    } catch (error) {
      throw new ValidationFailedError([{ field: 'file', message: `the multipart body could not be read (${(error as Error).message})` }]);
    }
    if (!file) throw new ValidationFailedError([{ field: 'file', message: 'is required (one file part)' }]);
    const uploaded = await this.content.upload(user.userId, id, bytesOf(file), file.filename || null);
    reply.header('location', `/v1/copyrights/${id}/content`);
    return uploaded;
  }

  @Get(':id/content')
  @ApiOperation({ summary: 'The fingerprints kept for the work’s content', description: 'What the service kept of the last upload: its type, size, hashes and fingerprint counts (not the file).' })
  @ApiOkResponse({ type: ContentResponseDto })
  @ApiNotFoundResponse({ description: `${NOT_FOUND}, or no content uploaded yet` })
  getContent(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<ContentResponseDto> {
    return this.content.content(user.userId, id);
  }

  @Get(':id/matches')
  @ApiOperation({ summary: 'Works the content of this work matched', description: 'The matches found when the content was uploaded, best first.' })
  @ApiOkResponse({ type: MatchListResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async matches(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<MatchListResponseDto> {
    return { data: await this.content.matchesOfWork(user.userId, id) };
  }
}

/** One match by its id, on a path of its own (not under /copyrights/{id}/..., which it would overlap). */
@ApiTags('copyrights')
@Authenticated()
@Controller({ path: 'copyright-matches', version: '1' })
export class CopyrightMatchesController {
  constructor(private readonly content: CopyrightContentService) {}

  @Get(':matchId')
  @ApiOperation({ summary: 'One match of the caller’s works', description: 'A match between one of the caller’s works and another work, with its similarity and evidence.' })
  @ApiOkResponse({ type: MatchResponseDto })
  @ApiNotFoundResponse({ description: 'No match of the caller’s works has this id' })
  match(@CurrentUser() user: Principal, @Param('matchId', ParseIdPipe) matchId: string): Promise<MatchResponseDto> {
    return this.content.match(user.userId, matchId);
  }
}
