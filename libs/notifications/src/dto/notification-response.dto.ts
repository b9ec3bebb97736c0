import { ApiProperty } from '@nestjs/swagger';
import type { NotificationPage, NotificationRecord } from '../notifications.types';

/** One notification as clients see it (delivery bookkeeping stays internal). */
export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'copyright.transferred' }) type: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(notification: NotificationRecord): NotificationResponseDto {
    return Object.assign(new NotificationResponseDto(), {
      id: notification.id,
      type: notification.type,
      title: notification.title,
      body: notification.body,
      data: notification.data,
      readAt: notification.readAt?.toISOString() ?? null,
      createdAt: notification.createdAt.toISOString(),
    });
  }
}

export class NotificationListResponseDto {
  @ApiProperty({ type: [NotificationResponseDto] }) data: NotificationResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  nextCursor: string | null;

  static from(page: NotificationPage): NotificationListResponseDto {
    return Object.assign(new NotificationListResponseDto(), {
      data: page.data.map((n) => NotificationResponseDto.from(n)),
      nextCursor: page.nextCursor,
    });
  }
}
