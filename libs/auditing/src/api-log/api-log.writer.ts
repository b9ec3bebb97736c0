import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { loggableError } from '@app/common';
import { API_LOG_DROPPED, API_LOG_FLUSH_DURATION, API_LOG_FLUSH_FAILURES, API_LOG_QUEUE_DEPTH, API_LOG_ROWS_WRITTEN } from './api-log.metrics';
import { ApiLogRepository, MAX_INSERT_ROWS } from './api-log.repository';
import type { NewApiLog } from './api-log.types';

/** Injection token of the ApiLogWriterOptions. */
export const API_LOG_WRITER_OPTIONS = Symbol('API_LOG_WRITER_OPTIONS');

export interface ApiLogWriterOptions {
  /** A row waits at most about this long before its batch is written. */
  flushIntervalMs: number;
  /** A batch is written as soon as this many rows wait; also the most rows per INSERT. */
  batchSize: number;
  /** Rows held at most (written or not); a row pushed into a full buffer is dropped. */
  bufferMax: number;
  /** Delay before retrying a failed write; doubles with each consecutive failure. */
  retryBaseMs: number;
  /** Ceiling of the retry delay. */
  retryMaxMs: number;
  /** How long close() keeps retrying a failing final flush before it gives the rows up. */
  closeTimeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The request log's buffer, so that no request waits for its log row. Rows are written in
 * batches, one multi-row INSERT each: every `flushIntervalMs`, or as soon as `batchSize` rows
 * wait. At most one write runs at a time.
 *
 * Policies:
 * - Bounded: at most `bufferMax` rows are held. When the buffer is full (the database is down or
 *   slower than the traffic), the NEW row is dropped and counted in
 *   `api_log_dropped_total{reason="buffer_full"}`: the rows already held are older, and keeping
 *   them keeps the log a gap-free record up to the moment trouble began.
 * - A failed write keeps its rows at the head of the buffer and is retried after `retryBaseMs`,
 *   doubling per consecutive failure up to `retryMaxMs`; meanwhile rows keep arriving (bounded).
 * - `close()` writes everything before the database pool closes; only a database that keeps
 *   failing for `closeTimeoutMs` loses rows, counted as `reason="shutdown"` and logged.
 */
@Injectable()
export class ApiLogWriter {
  private readonly logger = new Logger(ApiLogWriter.name);
  private buffer: NewApiLog[] = [];
  private readonly batchSize: number;
  private flushTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private writing?: Promise<boolean>;
  private consecutiveFailures = 0;

  constructor(
    private readonly repository: ApiLogRepository,
    @Inject(API_LOG_WRITER_OPTIONS) private readonly options: ApiLogWriterOptions,
    @InjectMetric(API_LOG_QUEUE_DEPTH) private readonly queueDepth: Gauge<string>,
    @InjectMetric(API_LOG_ROWS_WRITTEN) private readonly rowsWritten: Counter<string>,
    @InjectMetric(API_LOG_DROPPED) private readonly dropped: Counter<string>,
    @InjectMetric(API_LOG_FLUSH_DURATION) private readonly flushDuration: Histogram<string>,
    @InjectMetric(API_LOG_FLUSH_FAILURES) private readonly flushFailures: Counter<string>,
  ) {
    this.batchSize = Math.max(1, Math.min(options.batchSize, MAX_INSERT_ROWS));
    // Both series exist from the start, so a dashboard's rate() sees the first drop.
    this.dropped.inc({ reason: 'buffer_full' }, 0);
    this.dropped.inc({ reason: 'shutdown' }, 0);
  }

  /** Rows waiting to be written. */
  get depth(): number {
    return this.buffer.length;
  }

  /**
   * Takes a row for writing; never blocks and never throws. False when the buffer was full and
   * the row was dropped (and counted).
   */
  push(row: NewApiLog): boolean {
    if (this.buffer.length >= this.options.bufferMax) {
      this.dropped.inc({ reason: 'buffer_full' });
      return false;
    }
    this.buffer.push(row);
    this.queueDepth.set(this.buffer.length);
    this.schedule(this.buffer.length >= this.batchSize ? 0 : this.options.flushIntervalMs);
    return true;
  }

  /**
   * Writes every row buffered so far (waiting for a write in progress first). Resolves true when
   * they are all written, false when a write failed: the rows are kept and a retry is scheduled.
   */
  async flush(): Promise<boolean> {
    while (this.writing) await this.writing;
    return this.startWrite(true);
  }

  /**
   * The final flush: writes everything, retrying a failing database with backoff for up to
   * `closeTimeoutMs`, then stops the timers. Rows still unwritten then are counted as dropped.
   */
  async close(): Promise<void> {
    const deadline = Date.now() + this.options.closeTimeoutMs;
    while (this.buffer.length > 0) {
      if (await this.flush()) break;
      const wait = Math.min(this.retryDelay(), deadline - Date.now());
      if (wait <= 0) break;
      await sleep(wait);
    }
    // A write the retry timer started during the last sleep.
    while (this.writing) await this.writing;
    this.clearTimers();
    if (this.buffer.length > 0) {
      const lost = this.buffer.length;
      this.buffer = [];
      this.queueDepth.set(0);
      this.dropped.inc({ reason: 'shutdown' }, lost);
      this.logger.error({ lost }, `Gave up on ${lost} request-log row(s) at shutdown: the database kept failing`);
    }
  }

  private schedule(delayMs: number): void {
    // A write in progress or a pending retry picks the new rows up when it ends.
    if (this.writing || this.retryTimer) return;
    if (this.flushTimer) {
      if (delayMs > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (!this.writing) void this.startWrite(false);
    }, delayMs);
    this.flushTimer.unref();
  }

  private startWrite(all: boolean): Promise<boolean> {
    const run = this.write(all).finally(() => {
      this.writing = undefined;
      if (this.buffer.length > 0 && !this.retryTimer) {
        this.schedule(this.buffer.length >= this.batchSize ? 0 : this.options.flushIntervalMs);
      }
    });
    this.writing = run;
    return run;
  }

  /**
   * Writes batches from the head of the buffer: all of them when `all`, otherwise the first
   * (full or not) and then only full ones, so that steady traffic is written in full batches
   * rather than in a stream of small INSERTs.
   */
  private async write(all: boolean): Promise<boolean> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    let first = true;
    while (this.buffer.length > 0 && (all || first || this.buffer.length >= this.batchSize)) {
      first = false;
      const batch = this.buffer.slice(0, this.batchSize);
      const observe = this.flushDuration.startTimer();
      try {
        await this.repository.insertMany(batch);
      } catch (error) {
        observe();
        this.onWriteFailed(error, batch.length);
        return false;
      }
      observe();
      // Only this method removes rows, one write at a time, and push() only appends: the
      // batch is still the head of the buffer.
      this.buffer.splice(0, batch.length);
      this.queueDepth.set(this.buffer.length);
      this.rowsWritten.inc(batch.length);
      if (this.consecutiveFailures > 0) {
        this.logger.log(`Request log writes recovered after ${this.consecutiveFailures} failed attempt(s)`);
        this.consecutiveFailures = 0;
      }
    }
    return this.buffer.length === 0;
  }

  private onWriteFailed(error: unknown, batchRows: number): void {
    this.consecutiveFailures += 1;
    this.flushFailures.inc();
    const delay = this.retryDelay();
    // The rows themselves are never logged: they hold paths, addresses and user agents.
    this.logger.warn(
      { err: loggableError(error), batchRows, buffered: this.buffer.length, attempt: this.consecutiveFailures, retryInMs: delay },
      'Could not write request-log rows; keeping them for a retry',
    );
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.writing) void this.startWrite(false);
    }, delay);
    this.retryTimer.unref();
  }

  private retryDelay(): number {
    const exponent = Math.max(0, this.consecutiveFailures - 1);
    return Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(exponent, 30));
  }

  private clearTimers(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.flushTimer = undefined;
    this.retryTimer = undefined;
  }
}
