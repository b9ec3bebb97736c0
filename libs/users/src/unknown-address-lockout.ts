import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { SharedStateService } from '@app/redis';

interface PhantomLock {
  failures: number;
  lockouts: number;
  lockedUntil: number;
}

/** What one more failed sign-in for an unknown address did. */
export type PhantomOutcome = { kind: 'counted' } | { kind: 'locked'; forS: number; newLock: boolean };

export interface LockoutRule {
  threshold: number;
  maxMinutes: number;
}

const MAX_PHANTOMS = 10_000;
/** How long Redis keeps an unknown address's state after its last failure (its lockout count grows the next lock). */
const SHARED_RETENTION_MS = 24 * 3_600_000;

/** The lock after `lockouts` earlier ones: 1, 2, 4 ... minutes, capped (the same rule as an account's). */
export function lockMinutes(lockouts: number, maxMinutes: number): number {
  return Math.min(maxMinutes, 2 ** Math.min(lockouts, 16));
}

// KEYS[1]: the address's hash. ARGV: now (ms), threshold, maxMinutes, retention (ms).
// Returns {0} counted, {1, ms} locked already, {2, ms} locked by this failure. Atomic, so two
// instances counting the same address at once never lose a failure.
const FAILURE_SCRIPT = `
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if lockedUntil > now then return {1, lockedUntil - now} end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local result = {0, 0}
if failures >= tonumber(ARGV[2]) then
  local lockouts = tonumber(redis.call('HGET', KEYS[1], 'lockouts') or '0')
  local minutes = math.min(tonumber(ARGV[3]), 2 ^ math.min(lockouts, 16))
  local ms = minutes * 60000
  redis.call('HSET', KEYS[1], 'failures', 0, 'lockouts', lockouts + 1, 'lockedUntil', now + ms)
  result = {2, ms}
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return result
`;

/**
 * Failed-sign-in state of addresses that have no account, kept so that an unknown address locks
 * exactly like a real one and a 423 reveals nothing. Shared by every instance through Redis when
 * REDIS_URL is set (else, and while Redis does not answer, per instance and bounded); the
 * address is kept only as a SHA-256.
 */
@Injectable()
export class UnknownAddressLockout {
  private readonly phantoms = new Map<string, PhantomLock>();

  constructor(private readonly state: SharedStateService) {}

  /** Counts one failed sign-in for an unknown (normalized) address. */
  recordFailure(email: string, rule: LockoutRule, now = Date.now()): Promise<PhantomOutcome> {
    const key = createHash('sha256').update(email).digest('base64url');
    return this.state.run(
      'lockout',
      async (redis) => {
        const [kind, ms] = (await redis.eval(FAILURE_SCRIPT, 1, `lockout:unknown:${key}`, now, rule.threshold, rule.maxMinutes, SHARED_RETENTION_MS)) as [number, number];
        if (kind === 0) return { kind: 'counted' } as const;
        return { kind: 'locked', forS: ms / 1000, newLock: kind === 2 } as const;
      },
      () => this.recordLocally(key, rule, now),
    );
  }

  private recordLocally(key: string, rule: LockoutRule, now: number): PhantomOutcome {
    const state = this.phantoms.get(key) ?? { failures: 0, lockouts: 0, lockedUntil: 0 };
    // Re-inserted: the map's order is the least recently failed first, evicted first.
    this.phantoms.delete(key);
    if (this.phantoms.size >= MAX_PHANTOMS) this.phantoms.delete(this.phantoms.keys().next().value as string);
    this.phantoms.set(key, state);
    if (state.lockedUntil > now) return { kind: 'locked', forS: (state.lockedUntil - now) / 1000, newLock: false };
    state.failures += 1;
    if (state.failures < rule.threshold) return { kind: 'counted' };
    state.failures = 0;
    const minutes = lockMinutes(state.lockouts, rule.maxMinutes);
    state.lockouts += 1;
    state.lockedUntil = now + minutes * 60_000;
    return { kind: 'locked', forS: minutes * 60, newLock: true };
  }
}
