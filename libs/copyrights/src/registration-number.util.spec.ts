import { normalizeRegistrationNumber } from './registration-number.util';

describe('normalizeRegistrationNumber', () => {
  it.each([
    ['literary', 'TX0001234567', 'TX0001234567'],
    ['software', 'TXu0001234567', 'TXu0001234567'],
    ['musical', 'pa 0001234567', 'PA0001234567'],
    ['dramatic', 'PAu-0000000001', 'PAu0000000001'],
    ['audiovisual', 'PA1234567890', 'PA1234567890'],
    ['visual', 'VA0000000002', 'VA0000000002'],
    ['architectural', 'VAu0000000003', 'VAu0000000003'],
    ['sound-recording', 'SR0000000004', 'SR0000000004'],
  ] as const)('%s accepts %s', (type, input, expected) => {
    expect(normalizeRegistrationNumber(type, input)).toBe(expected);
  });

  it.each([
    ['literary', 'VA0001234567'],
    ['sound-recording', 'TX0001234567'],
    ['literary', 'TX123456789'],
    ['literary', 'TX00012345678'],
    ['visual', 'VAx0001234567'],
    ['musical', ''],
  ] as const)('%s refuses %s', (type, input) => {
    expect(normalizeRegistrationNumber(type, input)).toBeNull();
  });
});
