import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../problem/app-error';

/**
 * A path parameter that must be a UUID: a malformed one answers 400 `validation-failed` naming
 * the parameter (`id must be a UUID`), on every route alike, before any lookup. (Nest's
 * ParseUUIDPipe answers a bare 400 `bad-request` that names nothing.)
 */
/**
 * The UUID text form PostgreSQL's uuid type reads: 8-4-4-4-12 hex digits, any version and
 * variant (class-validator's isUUID would refuse ids that are well formed for the database).
 */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && UUID_TEXT.test(value)) return value;
    throw new ValidationFailedError([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
  }
}
