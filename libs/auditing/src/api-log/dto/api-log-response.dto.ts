import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '@app/common';
import type { ApiLogRecord } from '../api-log.types';

/** One logged request as admins see it. */
export class ApiLogResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The X-Request-Id of the request' }) requestId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null when the request was not authenticated' })
  userId: string | null;
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ type: String, nullable: true, example: '/v1/users/me', description: 'Route template; null when no route matched' })
  route: string | null;
  @ApiProperty({ example: '/v1/auth/verify?token=[redacted]', description: 'Path and query, secrets redacted' }) path: string;
  @ApiProperty({ type: 'integer', example: 200 }) status: number;
  @ApiProperty({ example: 3.42 }) durationMs: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Content-Length of the answer' }) responseBytes: number | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the request was received' }) createdAt: string;

  static from(record: ApiLogRecord): ApiLogResponseDto {
    return Object.assign(new ApiLogResponseDto(), {
      id: record.id,
      requestId: record.requestId,
      userId: record.userId,
      method: record.method,
      route: record.route,
      path: record.path,
      status: record.status,
      durationMs: record.durationMs,
      responseBytes: record.responseBytes,
      ip: record.ip,
      userAgent: record.userAgent,
      createdAt: record.createdAt.toISOString(),
    });
  }
}

export class ApiLogListResponseDto {
  @ApiProperty({ type: [ApiLogResponseDto] }) data: ApiLogResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  nextCursor: string | null;

  static from(page: Page<ApiLogRecord>): ApiLogListResponseDto {
    return Object.assign(new ApiLogListResponseDto(), {
      data: page.data.map((record) => ApiLogResponseDto.from(record)),
      nextCursor: page.nextCursor,
    });
  }
}
