import { MAX_LOGGED_PATH_LENGTH, redactRequestPath } from './redact-request-path.util';

describe('redactRequestPath', () => {
  it('keeps a path without query as it is', () => {
    expect(redactRequestPath('/v1/users/me')).toBe('/v1/users/me');
    expect(redactRequestPath('/v1/trademarks/search?q=acme%20co&classes=9&classes=42')).toBe(
      '/v1/trademarks/search?q=acme%20co&classes=9&classes=42',
    );
  });

  it.each([
    ['token', '/v1/verify?token=abc123&next=%2Fhome', '/v1/verify?token=[redacted]&next=%2Fhome'],
    ['access_token', '/x?access_token=eyJhbGciOi.x.y', '/x?access_token=[redacted]'],
    ['refresh_token', '/x?refresh_token=r1', '/x?refresh_token=[redacted]'],
    ['accessToken (camelCase)', '/x?accessToken=t', '/x?accessToken=[redacted]'],
    ['password', '/x?password=hunter2&user=ada', '/x?password=[redacted]&user=ada'],
    ['user[password] (bracketed)', '/x?user%5Bpassword%5D=hunter2', '/x?user%5Bpassword%5D=[redacted]'],
    ['secret and client_secret', '/x?secret=s&client_secret=c', '/x?secret=[redacted]&client_secret=[redacted]'],
    ['key and api_key', '/x?key=k&api_key=a&X-Api-Key=b', '/x?key=[redacted]&api_key=[redacted]&X-Api-Key=[redacted]'],
    ['code (OAuth)', '/cb?code=4%2F0A&state=xyz', '/cb?code=[redacted]&state=xyz'],
    ['signature and sig', '/f?signature=abc&sig=def&expires=1', '/f?signature=[redacted]&sig=[redacted]&expires=1'],
    ['upper-case name', '/x?TOKEN=abc', '/x?TOKEN=[redacted]'],
    ['repeated name', '/x?token=a&token=b', '/x?token=[redacted]&token=[redacted]'],
    ['empty value', '/x?token=', '/x?token=[redacted]'],
  ])('redacts the value of %s', (_name, url, expected) => {
    expect(redactRequestPath(url)).toBe(expected);
  });

  it('never lets a secret value through, however it is encoded', () => {
    const stored = redactRequestPath('/x?pass%77ord=hunter2&a=1&token=s3cr3t%20value&%74oken=again');
    expect(stored).not.toMatch(/hunter2|s3cr3t|again/);
  });

  it('does not redact look-alike harmless names', () => {
    expect(redactRequestPath('/x?author=ada&classcode=9&q=token')).toBe('/x?author=ada&classcode=9&q=token');
  });

  it('redacts secret-named path parameters of the matched route', () => {
    expect(redactRequestPath('/v1/auth/verify/abc.def?x=1', { token: 'abc.def' })).toBe('/v1/auth/verify/[redacted]?x=1');
    expect(redactRequestPath('/v1/reset/a%20b', { resetToken: 'a b' })).toBe('/v1/reset/[redacted]');
    expect(redactRequestPath('/v1/users/42', { id: '42' })).toBe('/v1/users/42');
  });

  it('keeps malformed percent-encoding verbatim instead of failing', () => {
    expect(redactRequestPath('/x?%E0%A4%A=1&token=%E0%A4%A')).toBe('/x?%E0%A4%A=1&token=[redacted]');
  });

  it('cuts very long targets', () => {
    const stored = redactRequestPath(`/x?q=${'a'.repeat(10_000)}`);
    expect(stored).toHaveLength(MAX_LOGGED_PATH_LENGTH);
  });
});
