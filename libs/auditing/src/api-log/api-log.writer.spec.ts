import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { API_LOG_DROPPED, API_LOG_FLUSH_DURATION, API_LOG_FLUSH_FAILURES, API_LOG_QUEUE_DEPTH, API_LOG_ROWS_WRITTEN } from './api-log.metrics';
import { ApiLogRepository } from './api-log.repository';
import type { NewApiLog } from './api-log.types';
import { API_LOG_WRITER_OPTIONS, ApiLogWriter, type ApiLogWriterOptions } from './api-log.writer';

const DEFAULTS: ApiLogWriterOptions = {
  flushIntervalMs: 1_000,
  batchSize: 3,
  bufferMax: 10,
  retryBaseMs: 100,
  retryMaxMs: 1_000,
  closeTimeoutMs: 2_000,
};

let sequence = 0;
function row(): NewApiLog {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    createdAt: new Date('2026-11-25T10:00:00.000Z'),
    requestId: `req-${sequence}`,
    userId: null,
    method: 'GET',
    route: '/v1/users/me',
    path: '/v1/users/me',
    status: 200,
    durationMs: 1.5,
    responseBytes: 120,
    ip: '127.0.0.1',
    userAgent: 'jest',
  };
}

/** A repository that records every attempted batch and fails while told to. */
class FakeRepository {
  attempts: string[][] = [];
  written: string[][] = [];
  failuresLeft = 0;
  /** While set, each insert waits for it (a slow database). */
  gate?: Promise<void>;

  insertMany = jest.fn(async (rows: NewApiLog[]): Promise<void> => {
    const ids = rows.map((r) => r.requestId);
    this.attempts.push(ids);
    if (this.gate) await this.gate;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    }
    this.written.push(ids);
  });

  get writtenRows(): number {
    return this.written.reduce((n, batch) => n + batch.length, 0);
  }
}

async function valueOf(metric: Counter<string> | Gauge<string>, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value ?? 0;
}

describe('ApiLogWriter', () => {
  let repository: FakeRepository;
  let writer: ApiLogWriter;
  let depth: Gauge<string>;
  let written: Counter<string>;
  let dropped: Counter<string>;
  let failures: Counter<string>;
  let duration: Histogram<string>;

  async function build(options: Partial<ApiLogWriterOptions> = {}): Promise<void> {
    repository = new FakeRepository();
    depth = new Gauge({ name: API_LOG_QUEUE_DEPTH, help: 'test', registers: [] });
    written = new Counter({ name: API_LOG_ROWS_WRITTEN, help: 'test', registers: [] });
    dropped = new Counter({ name: API_LOG_DROPPED, help: 'test', labelNames: ['reason'], registers: [] });
    failures = new Counter({ name: API_LOG_FLUSH_FAILURES, help: 'test', registers: [] });
    duration = new Histogram({ name: API_LOG_FLUSH_DURATION, help: 'test', registers: [] });
    const moduleRef = await Test.createTestingModule({
      providers: [
        ApiLogWriter,
        { provide: ApiLogRepository, useValue: repository },
        { provide: API_LOG_WRITER_OPTIONS, useValue: { ...DEFAULTS, ...options } },
        { provide: getToken(API_LOG_QUEUE_DEPTH), useValue: depth },
        { provide: getToken(API_LOG_ROWS_WRITTEN), useValue: written },
        { provide: getToken(API_LOG_DROPPED), useValue: dropped },
        { provide: getToken(API_LOG_FLUSH_FAILURES), useValue: failures },
        { provide: getToken(API_LOG_FLUSH_DURATION), useValue: duration },
      ],
    }).compile();
    writer = moduleRef.get(ApiLogWriter);
  }

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('writes a batch as soon as batchSize rows wait, without waiting for the interval', async () => {
    await build();
    const rows = [row(), row(), row()];
    rows.forEach((r) => writer.push(r));
    await jest.advanceTimersByTimeAsync(0);
    expect(repository.written).toEqual([rows.map((r) => r.requestId)]);
    expect(await valueOf(written)).toBe(3);
    expect(await valueOf(depth)).toBe(0);
    expect((await duration.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
  });

  it('writes a partial batch once the flush interval has passed', async () => {
    await build();
    writer.push(row());
    writer.push(row());
    expect(await valueOf(depth)).toBe(2);
    await jest.advanceTimersByTimeAsync(999);
    expect(repository.attempts).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(repository.written.map((b) => b.length)).toEqual([2]);
    expect(writer.depth).toBe(0);
  });

  it('drains a backlog in full batches and leaves the remainder for the interval', async () => {
    await build();
    let open!: () => void;
    repository.gate = new Promise<void>((resolve) => (open = resolve));
    for (let i = 0; i < 3; i++) writer.push(row());
    await jest.advanceTimersByTimeAsync(0);
    // The first batch is being written (slowly) while four more rows arrive.
    for (let i = 0; i < 4; i++) writer.push(row());
    repository.gate = undefined;
    open();
    await jest.advanceTimersByTimeAsync(0);
    expect(repository.written.map((b) => b.length)).toEqual([3, 3]);
    expect(writer.depth).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(repository.written.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('is bounded: a row pushed into a full buffer is dropped and counted, the held rows are kept', async () => {
    await build({ bufferMax: 5, batchSize: 10 });
    repository.failuresLeft = Infinity;
    const kept = [row(), row(), row(), row(), row()];
    expect(kept.map((r) => writer.push(r))).toEqual([true, true, true, true, true]);
    expect(writer.push(row())).toBe(false);
    expect(writer.push(row())).toBe(false);
    expect(await valueOf(dropped, { reason: 'buffer_full' })).toBe(2);
    expect(await valueOf(depth)).toBe(5);

    repository.failuresLeft = 0;
    expect(await writer.flush()).toBe(true);
    expect(repository.written).toEqual([kept.map((r) => r.requestId)]);
  });

  it('keeps the rows of a failed write and retries them with exponential backoff', async () => {
    await build({ batchSize: 10, retryBaseMs: 100 });
    repository.failuresLeft = 3;
    const rows = [row(), row()];
    rows.forEach((r) => writer.push(r));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(repository.attempts).toHaveLength(1);
    expect(writer.depth).toBe(2);

    // Retries after 100, then 200, then 400 ms.
    await jest.advanceTimersByTimeAsync(99);
    expect(repository.attempts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(repository.attempts).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(199);
    expect(repository.attempts).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(repository.attempts).toHaveLength(3);
    // Rows arriving during the backoff wait for the retry (no extra write in between).
    const late = row();
    writer.push(late);
    await jest.advanceTimersByTimeAsync(399);
    expect(repository.attempts).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1);

    const ids = rows.map((r) => r.requestId);
    expect(repository.attempts.slice(0, 3)).toEqual([ids, ids, ids]);
    expect(repository.written).toEqual([[...ids, late.requestId]]);
    expect(await valueOf(failures)).toBe(3);
    expect(await valueOf(written)).toBe(3);
    expect(writer.depth).toBe(0);
  });

  it('caps the retry delay at retryMaxMs', async () => {
    await build({ batchSize: 10, retryBaseMs: 100, retryMaxMs: 250 });
    repository.failuresLeft = 4;
    writer.push(row());
    await jest.advanceTimersByTimeAsync(1_000 + 100 + 200);
    expect(repository.attempts).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(249);
    expect(repository.attempts).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1);
    expect(repository.attempts).toHaveLength(4);
  });

  it('flush() waits for a write in progress, then writes what arrived meanwhile', async () => {
    await build();
    let open!: () => void;
    repository.gate = new Promise<void>((resolve) => (open = resolve));
    for (let i = 0; i < 3; i++) writer.push(row());
    await jest.advanceTimersByTimeAsync(0);
    writer.push(row());
    const flushed = writer.flush();
    repository.gate = undefined;
    open();
    expect(await flushed).toBe(true);
    expect(repository.written.map((b) => b.length)).toEqual([3, 1]);
  });

  it('close() writes every buffered row, in batches, before it resolves', async () => {
    await build({ batchSize: 4, bufferMax: 100 });
    repository.gate = Promise.resolve();
    for (let i = 0; i < 10; i++) writer.push(row());
    await writer.close();
    expect(repository.writtenRows).toBe(10);
    expect(repository.written.every((b) => b.length <= 4)).toBe(true);
    expect(writer.depth).toBe(0);
    expect(await valueOf(dropped, { reason: 'shutdown' })).toBe(0);
  });

  it('close() retries a failing database until it accepts the rows', async () => {
    await build({ batchSize: 10, retryBaseMs: 100, closeTimeoutMs: 5_000 });
    repository.failuresLeft = 2;
    writer.push(row());
    writer.push(row());
    const closed = writer.close();
    await jest.advanceTimersByTimeAsync(1_000);
    await closed;
    expect(repository.writtenRows).toBe(2);
    expect(await valueOf(dropped, { reason: 'shutdown' })).toBe(0);
  });

  it('close() gives up after closeTimeoutMs and counts the rows it lost', async () => {
    await build({ batchSize: 10, retryBaseMs: 100, closeTimeoutMs: 1_000 });
    repository.failuresLeft = Infinity;
    writer.push(row());
    writer.push(row());
    writer.push(row());
    const closed = writer.close();
    await jest.advanceTimersByTimeAsync(2_000);
    await closed;
    expect(repository.writtenRows).toBe(0);
    expect(writer.depth).toBe(0);
    expect(await valueOf(dropped, { reason: 'shutdown' })).toBe(3);
    expect(jest.getTimerCount()).toBe(0);
  });
});
