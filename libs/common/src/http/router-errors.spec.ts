import type { IncomingMessage } from 'node:http';
import { pathOnlyUrl } from './router-errors';

const req = (url: string) => ({ url }) as IncomingMessage;

describe('pathOnlyUrl', () => {
  it('keeps origin-form targets as they are', () => {
    expect(pathOnlyUrl(req('/v1/users/me?x=1'))).toBe('/v1/users/me?x=1');
    expect(pathOnlyUrl(req('//double/slash'))).toBe('//double/slash');
  });

  it('reduces absolute-form targets to their path and query', () => {
    expect(pathOnlyUrl(req('http://evil.test/v1/users/me?x=1'))).toBe('/v1/users/me?x=1');
    expect(pathOnlyUrl(req('HTTPS://user:pw@evil.test:8443'))).toBe('/');
    expect(pathOnlyUrl(req('http://evil.test?q=1'))).toBe('/?q=1');
  });
});
