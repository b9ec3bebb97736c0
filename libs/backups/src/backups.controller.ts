import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audit } from '@app/auditing';
import { Authenticated, ParseIdPipe } from '@app/common';
import { BackupsService } from './backups.service';
import { BackupRunListResponseDto, BackupRunResponseDto } from './dto/backup-run-response.dto';
import { ListBackupsDto } from './dto/list-backups.dto';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/backups', version: '1' })
export class AdminBackupsController {
  constructor(private readonly backups: BackupsService) {}

  @Get()
  @ApiOperation({ summary: 'Backups and restore drills, newest first', description: 'Scheduled and manual backups and restore drills; cursor-paginated.' })
  @ApiOkResponse({ type: BackupRunListResponseDto, description: 'A page of runs' })
  async list(@Query() query: ListBackupsDto): Promise<BackupRunListResponseDto> {
    return BackupRunListResponseDto.from(await this.backups.list(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One backup or drill', description: 'Poll it after POST to see how the backup went.' })
  @ApiOkResponse({ type: BackupRunResponseDto, description: 'The run' })
  async get(@Param('id', ParseIdPipe) id: string): Promise<BackupRunResponseDto> {
    return BackupRunResponseDto.from(await this.backups.get(id));
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Audit({ action: 'admin.backups.create', entityType: 'backup_run' })
  @ApiOperation({
    summary: 'Start a backup now',
    description: 'Answers 202 at once with the run (status running); Location names it. One at a time: 409 `backup-running` while one runs.',
  })
  @ApiAcceptedResponse({ type: BackupRunResponseDto, description: 'The run, started', headers: { Location: { description: 'The run: GET it to follow the backup', schema: { type: 'string' } } } })
  @ApiConflictResponse({ description: 'A backup is already running (problem+json `backup-running`): one at a time' })
  async create(@Res({ passthrough: true }) reply: FastifyReply): Promise<BackupRunResponseDto> {
    const run = await this.backups.start();
    reply.header('location', `/v1/admin/backups/${run.id}`);
    return BackupRunResponseDto.from(run);
  }
}
