import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, type Principal } from '@app/common';
import { SessionsService, type SessionView } from './sessions.service';

@ApiTags('account')
@Authenticated()
@Controller({ path: 'sessions', version: '1' })
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: 'Your live sessions; `current` marks the one making this request' })
  async list(@CurrentUser() user: Principal): Promise<{ data: SessionView[]; nextCursor: null }> {
    return { data: await this.sessions.list(user.userId, user.sessionId), nextCursor: null };
  }

  @Delete(':id')
  @Audit({ action: 'sessions.revoke', entityType: 'session', entityIdParam: 'id' })
  @HttpCode(204)
  @ApiOperation({ summary: 'End one of your sessions (another user’s id answers 404)' })
  async end(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.sessions.endOwnSession(user.userId, id);
  }
}
