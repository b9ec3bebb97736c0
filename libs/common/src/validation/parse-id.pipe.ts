import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ValidationFailedError } from '../problem/app-error';

/**
 * A path parameter that must be a UUID: a malformed one answers 400 `validation-failed` naming
 * the parameter (`id must be a UUID`), on every route alike, before any lookup. (Nest's
 * ParseUUIDPipe answers a bare 400 `bad-request` that names nothing.)
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && isUUID(value)) return value;
    throw new ValidationFailedError([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
  }
}
