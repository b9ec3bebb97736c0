import { ValidationFailedError } from '@app/common';

/**
 * Position of the last hit of a page in (created_at DESC, score DESC, id DESC) order: newest
 * first, and within one run (the hits a watch's creation found share its time) the strongest
 * conflict first. `createdAt` is the database's own text to the microsecond, as in the shared
 * keyset cursor, so hits written within one millisecond are neither skipped nor repeated.
 */
export interface HitPosition {
  createdAt: string;
  score: number;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeHitCursor(position: HitPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.score, position.id]), 'utf8').toString('base64url');
}

/** undefined for no cursor; a 400 naming the `cursor` field for anything this API did not issue. */
export function decodeHitCursor(cursor: string | undefined): HitPosition | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 3) {
    const [createdAt, score, id] = parsed as unknown[];
    if (
      typeof createdAt === 'string' &&
      TIMESTAMP.test(createdAt) &&
      !Number.isNaN(Date.parse(createdAt)) &&
      Number.isInteger(score) &&
      typeof id === 'string' &&
      UUID.test(id)
    ) {
      return { createdAt, score: score as number, id };
    }
  }
  throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}
