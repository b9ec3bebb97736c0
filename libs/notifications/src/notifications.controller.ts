import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, type Principal, ParseIdPipe } from '@app/common';
import { ListNotificationsDto } from './dto/list-notifications.dto';
import { NotificationListResponseDto } from './dto/notification-response.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Authenticated()
@Controller({ path: 'notifications', version: '1' })
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first", description: '`unread=true` lists only the unread ones; cursor-paginated.' })
  @ApiOkResponse({ type: NotificationListResponseDto, description: 'A page of notifications' })
  async list(@CurrentUser() user: Principal, @Query() query: ListNotificationsDto): Promise<NotificationListResponseDto> {
    const page = await this.notifications.list(user.userId, {
      unread: query.unread,
      limit: query.limit,
      cursor: query.cursor,
    });
    return NotificationListResponseDto.from(page);
  }

  @Post('read-all')
  @Audit({ action: 'notifications.mark-all-read', entityType: 'notification' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Mark all of the caller's notifications read", description: 'Idempotent.' })
  @ApiNoContentResponse({ description: 'All read' })
  async markAllRead(@CurrentUser() user: Principal): Promise<void> {
    await this.notifications.markAllRead(user.userId);
  }

  @Post(':id/read')
  @Audit({ action: 'notifications.mark-read', entityType: 'notification', entityIdParam: 'id' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Mark one notification read', description: 'Idempotent: an already read notification keeps its first read time.' })
  @ApiNoContentResponse({ description: 'Read' })
  @ApiNotFoundResponse({ description: 'No notification of the caller has this id' })
  async markRead(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.notifications.markRead(user.userId, id);
  }
}
