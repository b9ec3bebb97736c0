import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, ParseIdPipe, ValidationFailedError, type Principal } from '@app/common';
import { CopyrightContentService } from './copyright-content.service';
import { CopyrightsService } from './copyrights.service';
import { CopyrightDecisionDto } from './dto/copyright-input.dto';
import { CopyrightResponseDto } from './dto/copyright-response.dto';
import { AdminMatchListResponseDto } from './dto/content.dto';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/copyrights', version: '1' })
export class AdminCopyrightsController {
  constructor(
    private readonly copyrights: CopyrightsService,
    private readonly content: CopyrightContentService,
  ) {}

  @Get('matches')
  @ApiOperation({
    summary: 'Uploads that matched another owner’s work',
    description: 'Matches with another owner’s submitted or registered work, newest first, with both works and owners.',
  })
  @ApiOkResponse({ type: AdminMatchListResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor' })
  async matches(@Query() query: PageQueryDto): Promise<AdminMatchListResponseDto> {
    return this.content.alarms(query.limit ?? 20, query.cursor);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Audit({ action: 'admin.copyrights.decision-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Register (with a unique registration number of the work type’s form) or reject a submitted work',
    description: '`registered` needs a registration number of the work type’s form (unique); `rejected` may give a reason. Only submitted works can be decided (409 otherwise).',
  })
  @ApiOkResponse({ type: CopyrightResponseDto })
  @ApiBadRequestResponse({ description: 'Missing or malformed registration number for the work type' })
  @ApiNotFoundResponse({ description: 'No such work' })
  @ApiConflictResponse({ description: 'The work is not submitted, or the registration number is taken' })
  async decide(@CurrentUser() admin: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: CopyrightDecisionDto): Promise<CopyrightResponseDto> {
    if (body.decision === 'registered') {
      if (!body.registrationNumber) throw new ValidationFailedError([{ field: 'registrationNumber', message: 'is required to register a work' }]);
      return CopyrightResponseDto.from(await this.copyrights.decide(admin.userId, id, { decision: 'registered', registrationNumber: body.registrationNumber }));
    }
    return CopyrightResponseDto.from(await this.copyrights.decide(admin.userId, id, { decision: 'rejected', reason: body.reason }));
  }
}
