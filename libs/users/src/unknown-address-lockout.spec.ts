import type { SharedStateService } from '@app/redis';
import { lockMinutes, UnknownAddressLockout } from './unknown-address-lockout';

/** No REDIS_URL: every operation takes its per-instance fallback. */
const inProcess = { run: (_feature: string, _work: unknown, fallback: () => unknown) => Promise.resolve(fallback()) } as unknown as SharedStateService;

describe('UnknownAddressLockout (per instance)', () => {
  const rule = { threshold: 3, maxMinutes: 60 };

  it('locks at the threshold for 1, 2, 4 ... minutes, capped, and refuses while locked', async () => {
    const lockout = new UnknownAddressLockout(inProcess);
    let now = 1_000_000;
    const fail = () => lockout.recordFailure('nobody@example.com', rule, now);
    expect(await fail()).toEqual({ kind: 'counted' });
    expect(await fail()).toEqual({ kind: 'counted' });
    expect(await fail()).toEqual({ kind: 'locked', forS: 60, newLock: true });
    now += 30_000;
    expect(await fail()).toEqual({ kind: 'locked', forS: 30, newLock: false });
    now += 30_000;
    await fail();
    await fail();
    expect(await fail()).toEqual({ kind: 'locked', forS: 120, newLock: true });
    // Another address has its own count.
    expect(await lockout.recordFailure('other@example.com', rule, now)).toEqual({ kind: 'counted' });
  });

  it('caps the lock at LOCKOUT_MAX_MINUTES', () => {
    expect([0, 1, 2, 5, 6, 40].map((n) => lockMinutes(n, 60))).toEqual([1, 2, 4, 32, 60, 60]);
  });
});
