import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { baseEnv, buildDist, ROOT, runNode } from './support/run-node';

// Real processes, a real embedded PostgreSQL (initdb included): minutes on a loaded machine.
const SLOW = 600_000;

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `node <script>` as `npm start` does in a terminal: the leader of its own process group. */
function start(script: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [resolve(ROOT, script)], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, output: () => output, exited };
}

/** Ctrl-C in the terminal: SIGINT to every process of the foreground group. */
function ctrlC(proc: Proc): void {
  process.kill(-(proc.child.pid as number), 'SIGINT');
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 300_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const status = (url: string) => fetch(url).then((res) => res.status);

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded mode across restarts (e2e, compiled, real processes)', () => {
  let dir: string;
  const running: Proc[] = [];

  beforeAll(async () => {
    buildDist();
    dir = await mkdtemp(join(tmpdir(), 'clearmark-embedded-'));
    // As root the server runs as the postgres user, which must reach its data dir.
    await chmod(dir, 0o755);
  }, SLOW);

  afterAll(async () => {
    for (const proc of running) {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        process.kill(-(proc.child.pid as number), 'SIGTERM');
        await proc.exited;
      }
    }
    const server = await readFile(join(dir, 'data', 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
    const pid = Number(server.split('\n')[0]);
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGINT');
    await rm(dir, { recursive: true, force: true });
  }, SLOW);

  it('Ctrl-C drains the api before it stops the database; the port is kept; a worker beside it rides the restart', async () => {
    const apiPort = await freePort();
    const workerPort = await freePort();
    const env = baseEnv({
      EMBEDDED_PG_DATA_DIR: join(dir, 'data', 'postgres'),
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(workerPort),
      LOG_LEVEL: 'info',
      SEED_DEMO_DATA: 'false',
      JOB_BACKUP_CRON: 'off',
      JOB_BACKUP_DRILL_CRON: 'off',
    });
    const serverFile = async () => JSON.parse(await readFile(join(dir, 'data', 'embedded-server.json'), 'utf8')) as { port: number };
    const apiReady = `http://127.0.0.1:${apiPort}/health/ready`;
    const workerReady = `http://127.0.0.1:${workerPort}/health/ready`;

    const api = start('dist/apps/api/src/main.js', env);
    running.push(api);
    await until('the api to be ready', async () => ((await status(apiReady)) === 200 ? true : undefined));
    const { port } = await serverFile();

    const worker = start('dist/apps/worker/src/main.js', env);
    running.push(worker);
    await until('the worker to be ready', async () => ((await status(workerReady)) === 200 ? true : undefined));
    expect(worker.output()).toContain(`Attached to the embedded PostgreSQL already running on port ${port}`);

    // Ctrl-C: the database is in a process group of its own, so only the api gets it.
    ctrlC(api);
    expect(await api.exited).toBe(0);
    const log = api.output();
    const order = ['SIGINT received: draining', `Stopping the embedded PostgreSQL on port ${port}`, 'Embedded PostgreSQL stopped'].map((line) => log.indexOf(line));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The worker notices that its database is gone, and says so.
    await until('the worker to report the database lost', async () => ((await status(workerReady)) === 503 ? true : undefined));

    const again = start('dist/apps/api/src/main.js', env);
    running.push(again);
    await until('the restarted api to be ready', async () => ((await status(apiReady)) === 200 ? true : undefined));
    expect((await serverFile()).port).toBe(port);
    expect(again.output()).toContain(`Embedded PostgreSQL is running on port ${port}`);
    // The worker never stopped, and is ready again on the restarted server.
    await until('the worker to be ready again', async () => ((await status(workerReady)) === 200 ? true : undefined));
    expect(worker.child.exitCode).toBeNull();

    ctrlC(worker);
    expect(await worker.exited).toBe(0);
    ctrlC(again);
    expect(await again.exited).toBe(0);

    // Only when its port is taken does the server move, and the new port is kept from then on.
    const squatter = createServer();
    await new Promise<void>((resolveListen) => squatter.listen(port, '127.0.0.1', () => resolveListen()));
    try {
      const moved = start('dist/apps/api/src/main.js', env);
      running.push(moved);
      await until('the api to be ready on a moved server', async () => ((await status(apiReady)) === 200 ? true : undefined));
      const next = (await serverFile()).port;
      expect(next).not.toBe(port);
      expect(moved.output()).toContain(`port ${port} is taken: the embedded PostgreSQL moves to port ${next}`);
      // An operator's command run beside it connects where the server listens now: the old port
      // answers, but not as PostgreSQL (the squatter), so a CLI that used it would fail.
      const cli = await runNode('dist/apps/cli/src/main.js', ['migrate', 'status'], { env, deadlineMs: 120_000 });
      expect({ code: cli.code, stderr: cli.stderr.includes('ECONNREFUSED') || cli.stderr.includes('Connection terminated') }).toEqual({ code: 0, stderr: false });
      ctrlC(moved);
      expect(await moved.exited).toBe(0);
    } finally {
      await new Promise((resolveClose) => squatter.close(resolveClose));
    }
  }, SLOW);
});
