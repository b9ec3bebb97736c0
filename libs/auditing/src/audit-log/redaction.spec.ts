import { redact, REDACTED } from './redaction';

describe('redact', () => {
  it('removes secrets in any nesting, keeping everything else', () => {
    const input = {
      email: 'ada@example.com',
      password: 'hunter2 hunter2',
      profile: { name: 'Ada', currentPassword: 'x', new_password: 'y', nested: [{ refreshToken: 'abc', keep: 1 }] },
      headers: { Authorization: 'Bearer abc.def.ghi', 'x-api-key': 'k', cookie: 'sid=1' },
      payment: { card: { number: '4242424242424242' }, cardNumber: '4242 4242 4242 4242', cvc: '123', amount: 1900 },
      note: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      loose: ['4111-1111-1111-1111', 'order 12345'],
      secrets: { clientSecret: 's', webhookSignature: 'v1=abc' },
    };
    const out = redact(input);
    expect(out).toEqual({
      email: 'ada@example.com',
      password: REDACTED,
      profile: { name: 'Ada', currentPassword: REDACTED, new_password: REDACTED, nested: [{ refreshToken: REDACTED, keep: 1 }] },
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED },
      payment: { card: REDACTED, cardNumber: REDACTED, cvc: REDACTED, amount: 1900 },
      note: REDACTED,
      loose: [REDACTED, 'order 12345'],
      secrets: REDACTED,
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|abc|4242|4111|sid=1/);
    // The input is left as it was.
    expect(input.password).toBe('hunter2 hunter2');
  });

  it('keeps numbers that are not card numbers and plain values', () => {
    expect(redact({ serialNumber: '97123456', phone: '+1 555 0100', count: 3, ok: true, none: null })).toEqual({
      serialNumber: '97123456',
      phone: '+1 555 0100',
      count: 3,
      ok: true,
      none: null,
    });
    expect(redact('1234567812345678')).toBe('1234567812345678');
  });

  it('stores NUL (which PostgreSQL text and jsonb refuse) as U+FFFD, in values and keys', () => {
    expect(redact({ email: 'ada\u0000@example.com', ['k\u0000']: ['x\u0000y'] })).toEqual({ email: 'ada\uFFFD@example.com', ['k\uFFFD']: ['x\uFFFDy'] });
  });
});
