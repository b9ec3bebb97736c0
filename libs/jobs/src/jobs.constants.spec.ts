import { schedulerEnabled } from './jobs.constants';

describe('schedulerEnabled', () => {
  it('defaults to on in the worker, in the api only in development, never in the cli', () => {
    expect(schedulerEnabled('worker', 'production', undefined)).toBe(true);
    expect(schedulerEnabled('worker', 'test', undefined)).toBe(true);
    expect(schedulerEnabled('api', 'development', undefined)).toBe(true);
    expect(schedulerEnabled('api', 'production', undefined)).toBe(false);
    expect(schedulerEnabled('api', 'test', undefined)).toBe(false);
    expect(schedulerEnabled('cli', 'development', undefined)).toBe(false);
  });

  it('follows SCHEDULER_ENABLED when set, except in the cli', () => {
    expect(schedulerEnabled('api', 'production', true)).toBe(true);
    expect(schedulerEnabled('worker', 'production', false)).toBe(false);
    expect(schedulerEnabled('cli', 'production', true)).toBe(false);
  });
});
