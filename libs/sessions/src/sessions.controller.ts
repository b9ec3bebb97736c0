import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, ParseIdPipe, type Principal } from '@app/common';
import { SessionListResponseDto } from './dto/auth-response.dto';
import { SessionsService } from './sessions.service';

@ApiTags('account')
@Authenticated()
@Controller({ path: 'sessions', version: '1' })
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Your live sessions, newest first',
    description: 'Signed-in devices of the account; `current` marks the one making this request. Cursor-paginated.',
  })
  @ApiOkResponse({ type: SessionListResponseDto, description: 'A page of live sessions' })
  list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<SessionListResponseDto> {
    return this.sessions.list(user.userId, user.sessionId, query.limit ?? 20, query.cursor);
  }

  @Delete(':id')
  @Audit({ action: 'sessions.revoke', entityType: 'session', entityIdParam: 'id' })
  @HttpCode(204)
  @ApiOperation({ summary: 'End one of your sessions', description: 'Signs that device out. Another user’s session id answers 404.' })
  @ApiNoContentResponse({ description: 'Ended' })
  async end(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.sessions.endOwnSession(user.userId, id);
  }
}
