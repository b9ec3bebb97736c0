import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidationFailedError } from '../problem/app-error';

/** Query parameters every list endpoint takes. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Items per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 200, description: 'The nextCursor of the previous page; omit for the first page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Position of the last row of a page in (created_at DESC, id DESC) keyset order. `createdAt` is
 * the database's own text to the microsecond, UTC: a JS Date keeps only milliseconds, and rows
 * created by SQL now() within one millisecond would be skipped or repeated across pages.
 */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

/** Select this (as `cursorCreatedAt`) to build a KeysetPosition from a row. */
export const KEYSET_CREATED_AT_SQL = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The keyset condition after a position, as a row comparison so that a
 * (..., created_at DESC, id DESC) index serves it. Bind :afterCreatedAt and :afterId.
 */
export const KEYSET_AFTER_SQL = '(created_at, id) < (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid))';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

/** undefined for no cursor; a 400 naming the `cursor` field for anything this API did not issue. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt === 'string' && TIMESTAMP.test(createdAt) && !Number.isNaN(Date.parse(createdAt)) && typeof id === 'string' && UUID.test(id)) {
      return { createdAt, id };
    }
  }
  throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<T>(rows: T[], limit: number, positionOf: (row: T) => KeysetPosition): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}
