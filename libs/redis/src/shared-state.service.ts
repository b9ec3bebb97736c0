import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import Redis, { type RedisOptions } from 'ioredis';
import type { Counter, Gauge } from 'prom-client';
import { InjectConfig } from '@app/config';
import { SharedStateStatusReporter, type SharedStateStatus } from '@app/observability';
import { REDIS_CONFIG, type RedisConfig } from './redis.config';
import { REDIS_CONNECTED, SHARED_STATE_FALLBACKS, type SharedFeature } from './shared-state.metrics';

type MessageHandler = (message: string) => void;

interface Subscription {
  handlers: Set<MessageHandler>;
  /** Called when the subscriber connects again after an outage: messages may have been missed. */
  resync: Set<() => void>;
}

/** The reconnection delay: quick at first, then every 2 s for as long as Redis stays away. */
const reconnectDelay = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000);

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // ioredis messages may name the host; readiness and logs get the kind only.
  return text.replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>').slice(0, 200);
}

/**
 * The state that API instances share, in Redis when REDIS_URL is set: a connection for commands
 * (counters, lockouts, publishing) and one for pub/sub (a subscribed connection can do nothing
 * else). Redis is an accelerator, never a dependency: every caller says what to do without it
 * (`run`'s fallback), a command fails fast when the connection is down (no offline queue,
 * REDIS_COMMAND_TIMEOUT_MS), the instance keeps serving on its own state, and the degradation
 * is logged once per outage and counted per operation (`shared_state_fallbacks_total`).
 */
@Injectable()
export class SharedStateService extends SharedStateStatusReporter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SharedStateService.name);
  private readonly commands?: Redis;
  private readonly subscriber?: Redis;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Features that fell back since the last time Redis answered (logged once per outage). */
  private readonly degradedFeatures = new Set<SharedFeature>();
  private lastError?: string;
  private subscriberWasReady = false;
  private closing = false;

  constructor(
    @InjectConfig(REDIS_CONFIG) private readonly config: RedisConfig,
    @InjectMetric(REDIS_CONNECTED) private readonly connected: Gauge<string>,
    @InjectMetric(SHARED_STATE_FALLBACKS) private readonly fallbacks: Counter<string>,
  ) {
    super();
    if (!config.url) return;
    const common: RedisOptions = {
      lazyConnect: true,
      connectTimeout: config.connectTimeoutMs,
      retryStrategy: reconnectDelay,
      // Some managed Redis refuse CLIENT SETINFO; the name is only for operators anyway.
      connectionName: 'clearmark',
      enableReadyCheck: true,
    };
    this.commands = new Redis(config.url, {
      ...common,
      keyPrefix: config.keyPrefix,
      // Fail at once while disconnected instead of queueing: the caller falls back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.commandTimeoutMs,
    });
    // SUBSCRIBE is queued until connected and replayed on every reconnection (autoResubscribe).
    this.subscriber = new Redis(config.url, { ...common, maxRetriesPerRequest: null, autoResubscribe: true });
    this.watch(this.commands, 'commands');
    this.watch(this.subscriber, 'subscriber');
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
  }

  /** Connects in the background: the instance starts and serves whether Redis answers or not. */
  onModuleInit(): void {
    for (const connection of [this.commands, this.subscriber]) {
      // A SUBSCRIBE issued earlier (another module's init) may have started the connection already.
      if (connection?.status === 'wait') connection.connect().catch((error: unknown) => this.noteError(error));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [this.commands, this.subscriber].map(async (connection) => {
        if (!connection) return;
        if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      }),
    );
  }

  /** Whether REDIS_URL is set (whether or not Redis answers right now). */
  get configured(): boolean {
    return this.commands !== undefined;
  }

  /**
   * Runs `work` against Redis, or `fallback` (the instance's own state) when REDIS_URL is unset,
   * the connection is down or the command fails or times out: never an error for the caller.
   */
  async run<T>(feature: SharedFeature, work: (redis: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    const redis = this.commands;
    if (!redis) return fallback();
    if (redis.status !== 'ready') {
      this.degrade(feature, this.lastError ?? `not connected (${redis.status})`);
      return fallback();
    }
    try {
      return await work(redis);
    } catch (error) {
      this.degrade(feature, errorText(error));
      return fallback();
    }
  }

  /**
   * Tells every instance (this one included) subscribed to `channel`. Best effort: without Redis
   * nothing is sent and the subscribers' own fallback (a TTL) applies.
   */
  async publish(feature: SharedFeature, channel: string, message: string): Promise<boolean> {
    return this.run(
      feature,
      async (redis) => {
        await redis.publish(this.channelName(channel), message);
        return true;
      },
      () => false,
    );
  }

  /**
   * Calls `handler` with every message published on `channel` by any instance, and `resync` when
   * the subscription comes back after an outage (what was published meanwhile was missed).
   */
  subscribe(channel: string, handler: MessageHandler, resync?: () => void): void {
    if (!this.subscriber) return;
    const name = this.channelName(channel);
    let subscription = this.subscriptions.get(name);
    if (!subscription) {
      subscription = { handlers: new Set(), resync: new Set() };
      this.subscriptions.set(name, subscription);
      this.subscriber.subscribe(name).catch((error: unknown) => this.noteError(error));
    }
    subscription.handlers.add(handler);
    if (resync) subscription.resync.add(resync);
  }

  /** For readiness: `degraded` while REDIS_URL is set and either connection is down. */
  sharedStateStatus(): SharedStateStatus {
    if (!this.commands || !this.subscriber) return { mode: 'in-process', state: 'ok' };
    if (this.commands.status === 'ready' && this.subscriber.status === 'ready') return { mode: 'redis', state: 'ok' };
    return {
      mode: 'redis',
      state: 'degraded',
      reason: `Redis unreachable (${this.lastError ?? this.commands.status}): rate limits and lockouts are per instance, revocations reach other instances within SESSION_CACHE_TTL_MS`,
    };
  }

  private channelName(channel: string): string {
    // Channels are not scoped by database number: the key prefix keeps deployments apart.
    return `${this.config.keyPrefix}${channel}`;
  }

  private deliver(channel: string, message: string): void {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    for (const handler of subscription.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.logger.error({ err: errorText(error), channel }, 'a shared-state message handler failed');
      }
    }
  }

  private watch(connection: Redis, name: 'commands' | 'subscriber'): void {
    this.connected.set({ connection: name }, 0);
    connection.on('ready', () => {
      this.connected.set({ connection: name }, 1);
      if (this.degradedFeatures.size > 0 || this.lastError) {
        this.logger.log({ event: 'redis.recovered', connection: name }, 'Redis answers again: shared state resumed');
      }
      this.degradedFeatures.clear();
      this.lastError = undefined;
      if (name === 'subscriber') {
        if (this.subscriberWasReady) for (const subscription of this.subscriptions.values()) for (const resync of subscription.resync) resync();
        this.subscriberWasReady = true;
      }
    });
    connection.on('error', (error: unknown) => this.noteError(error));
    connection.on('close', () => {
      this.connected.set({ connection: name }, 0);
      if (!this.closing && connection.status !== 'end') this.noteError(new Error('connection closed'));
    });
  }

  private noteError(error: unknown): void {
    if (this.closing) return;
    const text = errorText(error);
    if (this.lastError === undefined) {
      this.logger.warn({ event: 'redis.unavailable', err: text }, 'Redis unavailable: serving with per-instance rate limits and lockouts until it answers');
    }
    this.lastError = text;
  }

  private degrade(feature: SharedFeature, reason: string): void {
    this.fallbacks.inc({ feature });
    if (this.degradedFeatures.has(feature)) return;
    this.degradedFeatures.add(feature);
    this.logger.warn({ event: 'redis.fallback', feature, err: reason }, `Redis did not answer: ${feature} falls back to this instance's own state`);
  }
}
