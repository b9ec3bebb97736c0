import { ValidationFailedError } from '../problem/app-error';
import { decodeCursor, encodeCursor } from './cursor';

describe('keyset cursor', () => {
  const position = { createdAt: '2026-11-25T10:00:00.123456Z', id: '7f9d2a3e-5b1c-4e8f-a6d0-1c2b3a4d5e6f' };

  it('round-trips the position to the microsecond, as URL-safe text', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a millisecond time', encodeCursor({ ...position, createdAt: '2026-11-25T10:00:00.123Z' })],
    ['an impossible time', encodeCursor({ ...position, createdAt: '2026-13-45T10:00:00.123456Z' })],
    ['an id that is not a UUID', encodeCursor({ ...position, id: "1' OR '1'='1" })],
    ['empty', ''],
  ])('refuses %s with a 400 naming the cursor field', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationFailedError);
    expect((thrown as ValidationFailedError).status).toBe(400);
    expect((thrown as ValidationFailedError).errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });
});
