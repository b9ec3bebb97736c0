import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { DbTransaction } from '@app/database';
import { SharedStateService } from '@app/redis';

/** The pub/sub channel (under REDIS_KEY_PREFIX) that carries ended sessions to every instance. */
export const REVOCATIONS_CHANNEL = 'sessions:revoked';

/** How long a revocation heard is remembered: longer than any read of a session that was in flight when it came. */
const REMEMBER_MS = 60_000;
const MAX_REMEMBERED = 50_000;
const MAX_FAMILIES_PER_MESSAGE = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What listeners hear: these families ended, or `all` (messages may have been missed: forget every cached check). */
export type Revocation = { families: string[] } | 'all';

/**
 * Tells every instance at once that sessions ended (a logout, logout-all, a password change, a
 * disabled account), through Redis pub/sub when REDIS_URL is set: each instance drops its cached
 * liveness of those sessions the moment the message arrives, instead of trusting it for up to
 * SESSION_CACHE_TTL_MS. Without Redis, or while it does not answer, nothing is broadcast and the
 * TTL remains the bound; when the subscription comes back after an outage, every cached check is
 * dropped (what was published meanwhile was missed).
 *
 * A revocation is announced after its transaction commits (an instance that re-read the session
 * before that would cache it as live again), and remembered for a minute, so a liveness read that
 * was in flight when it arrived is not cached either.
 */
@Injectable()
export class SessionRevocations implements OnModuleInit {
  private readonly logger = new Logger(SessionRevocations.name);
  private readonly ended = new LRUCache<string, true>({ max: MAX_REMEMBERED, ttl: REMEMBER_MS });
  private readonly listeners: Array<(revocation: Revocation) => void> = [];

  constructor(private readonly state: SharedStateService) {}

  onModuleInit(): void {
    this.state.subscribe(
      REVOCATIONS_CHANNEL,
      (message) => {
        const families = parseFamilies(message);
        if (!families) {
          this.logger.warn({ channel: REVOCATIONS_CHANNEL }, 'ignored a malformed revocation message');
          return;
        }
        this.remember(families);
      },
      () => this.notify('all'),
    );
  }

  /** Registers what to do when sessions end anywhere (the liveness cache's owner). */
  onRevoked(listener: (revocation: Revocation) => void): void {
    this.listeners.push(listener);
  }

  /** Whether this instance heard, within the last minute, that the family ended. */
  isEnded(familyId: string): boolean {
    return this.ended.has(familyId);
  }

  /**
   * Announces ended families: to this instance at once, to the others through Redis. Without a
   * transaction it resolves once Redis has taken the message (so the caller's answer, e.g. a
   * logout's 204, comes after every subscribed instance was sent it); with one, it is sent when
   * the transaction commits. Never throws: a broadcast that cannot be sent is counted
   * (`shared_state_fallbacks_total{feature="session-revocation"}`), and the TTL applies.
   */
  async announce(families: string[], transaction?: DbTransaction): Promise<void> {
    if (families.length === 0) return;
    const send = async () => {
      this.remember(families);
      const messages: Array<Promise<boolean>> = [];
      for (let i = 0; i < families.length; i += MAX_FAMILIES_PER_MESSAGE) {
        messages.push(this.state.publish('session-revocation', REVOCATIONS_CHANNEL, JSON.stringify({ families: families.slice(i, i + MAX_FAMILIES_PER_MESSAGE) })));
      }
      await Promise.all(messages);
    };
    if (transaction) transaction.afterCommit(() => void send());
    else await send();
  }

  private remember(families: string[]): void {
    for (const familyId of families) this.ended.set(familyId, true);
    this.notify({ families });
  }

  private notify(revocation: Revocation): void {
    for (const listener of this.listeners) listener(revocation);
  }
}

function parseFamilies(message: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(message);
    const families = (value as { families?: unknown })?.families;
    if (!Array.isArray(families) || families.length > MAX_FAMILIES_PER_MESSAGE) return undefined;
    return families.every((f): f is string => typeof f === 'string' && UUID.test(f)) ? families : undefined;
  } catch {
    return undefined;
  }
}
