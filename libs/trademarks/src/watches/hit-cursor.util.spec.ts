import { ValidationFailedError } from '@app/common';
import { decodeHitCursor, encodeHitCursor } from './hit-cursor.util';

describe('watch hit cursor', () => {
  const position = { createdAt: '2026-12-02T08:00:00.123456Z', score: 87, id: '7f9d2a3e-5b1c-4e8f-a6d0-1c2b3a4d5e6f' };

  it('round-trips the position (microsecond time, score, id) as URL-safe text', () => {
    const cursor = encodeHitCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeHitCursor(cursor)).toEqual(position);
    expect(decodeHitCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a list cursor (two parts)', Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url')],
    ['a fractional score', encodeHitCursor({ ...position, score: 1.5 })],
    ['a score as text', Buffer.from(JSON.stringify([position.createdAt, '87', position.id])).toString('base64url')],
    ['a millisecond time', encodeHitCursor({ ...position, createdAt: '2026-12-02T08:00:00.123Z' })],
    ['an id that is not a UUID', encodeHitCursor({ ...position, id: "1' OR '1'='1" })],
    ['empty', ''],
  ])('refuses %s with a 400 naming the cursor field', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeHitCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationFailedError);
    expect((thrown as ValidationFailedError).errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });
});
