import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Compiles dist/ if a source is newer than the last build (scripts/build-if-stale.js, which
 * serializes concurrent builds): the process-level specs run the compiled entry points, as an
 * operator does.
 */
export function buildDist(): void {
  const result = spawnSync(process.execPath, [resolve(ROOT, 'scripts/build-if-stale.js')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed (${result.status}): ${result.stderr}${result.stdout}`);
}

/** Only what the process needs from the test's environment: no DATABASE_URL unless given. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_PRETTY: 'false' };
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Runs `node <script> ...args` to its end; a stuck process is killed after `deadlineMs`. */
export function runNode(script: string, args: string[], options: { env: NodeJS.ProcessEnv; input?: string; deadlineMs?: number }): Promise<NodeRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [resolve(ROOT, script), ...args], { cwd: ROOT, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
