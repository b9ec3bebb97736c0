import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the run's Redis is: a URL, or why there is none (the Redis specs then say so and skip). */
export type RunRedis = { url: string; server?: { process: ChildProcess; dir: string } } | { skipReason: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
    server.on('error', reject);
  });
}

/** One PING over a raw socket: true when a Redis answers +PONG at host:port. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/**
 * The run's Redis: REDIS_URL when set; else a `redis-server` from the PATH, started here on a
 * free loopback port with no persistence (stopped by the global teardown); else none, with the
 * reason. Specs isolate themselves with a key prefix of their own (test/support/redis.ts).
 */
export async function provideRunRedis(): Promise<RunRedis> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const binary = which.status === 0 ? which.stdout.trim() : '';
  if (!binary) return { skipReason: 'no REDIS_URL and no redis-server on the PATH (Debian: apt-get install redis-server)' };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'clearmark-redis-'));
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')], {
    stdio: 'ignore',
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (!(await ping(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      return { skipReason: `redis-server (${binary}) did not start on port ${port}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}/0`, server: { process: child, dir } };
}

export async function stopRunRedis(redis: RunRedis | undefined): Promise<void> {
  if (!redis || !('server' in redis) || !redis.server) return;
  const { process: child, dir } = redis.server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
