#!/usr/bin/env node
/**
 * `npm run build`, but only when a source is newer than the last successful build: operator
 * commands (`npm run cli`, `npm run migrate`, `npm start`) then start in well under a second
 * instead of compiling for 7 to 16 s every time. The inputs are every file and folder under
 * apps/, libs/, migrations/ and data/nice/ (a folder's time changes when a file in it is added,
 * removed or renamed), the tsconfig files and package-lock.json; the build writes its stamp,
 * dist/.build-stamp, only after it succeeded. `npm run build` always builds.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
/** Held (a folder: made atomically) while one process builds; others wait, then look again. */
const lock = join(root, '.build-lock');
const LOCK_WAIT_MS = 10 * 60_000;
const TREES = ['apps', 'libs', 'migrations', join('data', 'nice')];
const FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** The newest modification time (ms) under a path, folders included. */
function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  let latest = stats.mtimeMs;
  if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

function staleReason() {
  if (!existsSync(stamp)) return 'no previous build';
  const built = statSync(stamp).mtimeMs;
  for (const input of [...TREES, ...FILES]) {
    if (newest(join(root, input)) > built) return `${input} changed`;
  }
  return null;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** The lock's holder is gone (its pid file is written right after the folder is made). */
function abandoned() {
  const made = statSync(lock, { throwIfNoEntry: false });
  if (!made) return false;
  let pid;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return Date.now() - made.mtimeMs > 5_000;
  }
  return !(pid > 0 && alive(pid));
}

function build(reason) {
  process.stderr.write(`Building (${reason})...\n`);
  const started = new Date();
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) return result.status ?? 1;
  // The stamp's time is when the build began: a source saved during the build is seen next time.
  writeFileSync(stamp, '');
  utimesSync(stamp, started, started);
  return 0;
}

function main() {
  const force = process.argv.includes('--force');
  if (!force && !staleReason()) return 0;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock left by a build that was killed (Ctrl-C) is not waited for.
      if (abandoned()) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) {
        process.stderr.write(`Another build holds ${lock}; remove it if no build runs.\n`);
        return 1;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    // The build that held the lock may have done the work.
    const reason = force ? 'forced' : staleReason();
    return reason ? build(reason) : 0;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

process.exit(main());
