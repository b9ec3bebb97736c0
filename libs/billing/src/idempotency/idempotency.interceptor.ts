import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { stringify } from 'safe-stable-stringify';
import { type AuthenticatedRequest, loggableError, UnauthenticatedError, ValidationFailedError } from '@app/common';
import { InjectConfig } from '@app/config';
import { BILLING_CONFIG, type BillingConfig } from '../billing.config';
import { BillingClock } from '../billing.clock';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from '../billing.errors';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Keys expire (the job deletes them, and an older key counts as unused) this long after first use. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The hash a key is bound to: method, path with query, and the JSON body with its keys sorted
 * (the same request in another key order is the same request).
 */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${stringify(body ?? null)}`)
    .digest('hex');
}

/** The Idempotency-Key header of a request, validated; undefined when absent. 400 when malformed. */
export function idempotencyKeyOf(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters (a UUID is a good key)' }], 'The Idempotency-Key header is malformed');
  }
  return value;
}

/**
 * Idempotency-Key on a mutating billing route (per user, 24 hours):
 * - a new key runs the handler and stores its response (status and body) with the request hash;
 * - the same key and request replays the stored response (`Idempotent-Replayed: true`);
 * - the same key with another request -> 422; while the first request still runs -> 409;
 * - a request that fails gives the key back, so the retry runs again (the provider call inside
 *   carries the key, so a charge that did happen is not repeated);
 * - a request that died with its process (no response, no release) holds a lock it no longer
 *   renews: once it is older than BILLING_IDEMPOTENCY_LOCK_TIMEOUT_S, a retry with the same
 *   request takes it over and resumes from the key's recovery point (what the dead request had
 *   committed: the services record it in their own transactions), charging with the same
 *   provider key, so nothing is done or charged twice. The running request renews its lock
 *   every third of the timeout, so a slow but live one is never taken over.
 * Without the header the route runs as usual. Runs after the guards (the user is known).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly clock: BillingClock,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const key = idempotencyKeyOf(request);
    if (key === undefined) return next.handle();
    const userId = request.principal?.userId;
    if (!userId) throw new UnauthenticatedError();
    return from(this.run(userId, key, requestHash(request.method, request.url, request.body), http.getResponse<FastifyReply>(), next));
  }

  private async run(userId: string, key: string, hash: string, reply: FastifyReply, next: CallHandler): Promise<unknown> {
    const now = this.clock.now();
    const lockId = randomUUID();
    const claimed = await this.keys.claim(userId, key, hash, lockId, {
      now,
      expiredBefore: new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS),
      staleBefore: new Date(now.getTime() - this.config.idempotencyLockTimeoutMs),
    });
    if (!claimed) {
      const stored = await this.keys.find(userId, key);
      // Gone between the claim and the read (released by a failed first request): this one may run it.
      if (!stored) return this.run(userId, key, hash, reply, next);
      if (stored.requestHash !== hash) throw new IdempotencyKeyReusedError();
      if (stored.status === 'in_progress') throw new IdempotencyKeyInFlightError();
      reply.status(stored.responseStatus ?? 200);
      reply.header('idempotent-replayed', 'true');
      return stored.responseBody ?? undefined;
    }
    // The heartbeat: a live request keeps its lock fresh, so only a dead one's goes stale.
    const heartbeat = setInterval(() => {
      this.keys.renew(userId, key, lockId, this.clock.now()).catch((error: unknown) => this.logger.warn({ err: loggableError(error) }, 'Idempotency-Key lock not renewed'));
    }, Math.max(1_000, Math.floor(this.config.idempotencyLockTimeoutMs / 3)));
    heartbeat.unref();
    let result: unknown;
    try {
      result = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      clearInterval(heartbeat);
      await this.keys.release(userId, key, lockId);
      throw error;
    }
    clearInterval(heartbeat);
    // Stored as the client got it: the JSON the DTO serializes to.
    const body = result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
    await this.keys.complete(userId, key, lockId, reply.statusCode, body, this.clock.now());
    return result;
  }
}
