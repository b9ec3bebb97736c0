/**
 * The raw-bcrypt baseline of `identity.ts`: `bcrypt.compare` through bcrypt's async API, in a
 * process of its own so that, like the API, it runs the hashes on its own libuv thread pool
 * (UV_THREADPOOL_SIZE, 4 by default) and does not share one with autocannon or the runner.
 *
 * Protocol (IPC): sends `{ ready: true, threadPool }` once started. On
 * `{ type: 'run', password, hash, concurrency, durationMs }` it runs `concurrency` loops of
 * `compare(password, hash)` for `durationMs`, counting the comparisons that finished inside
 * that window (like autocannon counts responses), waits for those still running, and answers
 * `{ type: 'result', completed, durationS, latencies }` (latencies in ms, one per counted
 * comparison, each from its start to its end). Stops on SIGTERM/SIGINT or when the parent goes.
 */
import { compare } from 'bcrypt';
import { performance } from 'node:perf_hooks';

interface RunRequest {
  type: 'run';
  password: string;
  hash: string;
  concurrency: number;
  durationMs: number;
}

export interface BcryptRunResult {
  type: 'result';
  completed: number;
  durationS: number;
  latencies: number[];
}

async function run(request: RunRequest): Promise<BcryptRunResult> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + request.durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const matches = await compare(request.password, request.hash);
      const t1 = performance.now();
      if (!matches) throw new Error('bcrypt.compare answered false for the password the hash was made of');
      if (t1 <= end) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, loop));
  return { type: 'result', completed: latencies.length, durationS: request.durationMs / 1000, latencies };
}

function main(): void {
  if (!process.send) throw new Error('bcrypt-worker must be started with an IPC channel (child_process.fork)');
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (message: RunRequest) => {
    if (message?.type !== 'run') return;
    run(message).then(send, (error: unknown) => {
      process.stderr.write(`bcrypt-worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
  });
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  send({ ready: true, threadPool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)' });
}

main();
