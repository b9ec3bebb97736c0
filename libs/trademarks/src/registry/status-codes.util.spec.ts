import { isLiveStatus } from './status-codes.util';

describe('isLiveStatus', () => {
  it.each([
    ['602', false],
    ['606', false],
    ['630', true],
    ['641', true],
    ['686', true],
    ['688', true],
    ['700', true],
    ['710', false],
    ['712', false],
    ['800', true],
    ['900', false],
  ])('status %s is live: %s', (code, live) => {
    expect(isLiveStatus(code)).toBe(live);
  });

  it('counts a missing or malformed status as dead', () => {
    expect(isLiveStatus(null)).toBe(false);
    expect(isLiveStatus('8')).toBe(false);
    expect(isLiveStatus('abc')).toBe(false);
  });
});
