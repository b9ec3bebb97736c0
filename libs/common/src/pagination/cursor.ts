import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { KeysetPosition } from '@app/database';
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

// The keyset pieces the repositories use (findKeysetPage and its SQL) live with Sequelize in
// @app/database; re-exported here for the cursor's users.
export { KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type KeysetPosition } from '@app/database';
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
