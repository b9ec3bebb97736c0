import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@app/common';
import { ApiLogService } from './api-log.service';
import { ApiLogListResponseDto } from './dto/api-log-response.dto';
import { ListApiLogsDto } from './dto/list-api-logs.dto';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/api-logs', version: '1' })
export class ApiLogsController {
  constructor(private readonly apiLogs: ApiLogService) {}

  @Get()
  @ApiOperation({
    summary: 'Logged requests, newest first',
    description: 'The request log (method, route, status, duration, user), filtered by user, method, status, route and time; cursor-paginated.',
  })
  @ApiOkResponse({ type: ApiLogListResponseDto, description: 'A page of logged requests' })
  async list(@Query() query: ListApiLogsDto): Promise<ApiLogListResponseDto> {
    const page = await this.apiLogs.list({
      userId: query.userId,
      method: query.method,
      status: query.status,
      route: query.route,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
      limit: query.limit,
      cursor: query.cursor,
    });
    return ApiLogListResponseDto.from(page);
  }
}
