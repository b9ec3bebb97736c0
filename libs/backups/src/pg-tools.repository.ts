import { Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { parseToolVersion, type PgVersion } from './pg-client-tools.util';

const STDERR_KEPT = 4_000;

export interface LocatedTools {
  /** Absolute path of pg_dump, or null when not found. */
  pgDump: string | null;
  pgRestore: string | null;
  /** Where we looked, for the error message. */
  searched: string;
}

export class PgToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgToolError';
  }
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL client programs (pg_dump, pg_restore) as child processes: the only code here
 * that spawns them. Connection settings and the password travel in the child's environment
 * (see libpqEnvironment), never in its arguments.
 */
@Injectable()
export class PgToolsRepository {
  /**
   * Finds pg_dump at `configured` (the binary, or a folder holding it) or on the PATH, and
   * pg_restore next to it (a pg_restore of the same build reads what that pg_dump writes).
   */
  async locate(configured: string | undefined, path = process.env.PATH ?? ''): Promise<LocatedTools> {
    let candidates: string[];
    let searched: string;
    if (configured) {
      const isDirectory = await stat(configured).then((s) => s.isDirectory(), () => false);
      candidates = [isDirectory ? join(configured, 'pg_dump') : configured];
      searched = `PG_DUMP_PATH=${configured}`;
    } else {
      candidates = path.split(delimiter).filter(Boolean).map((dir) => join(dir, 'pg_dump'));
      searched = 'the PATH';
    }
    for (const candidate of candidates) {
      if (!(await executable(candidate))) continue;
      const sibling = join(dirname(candidate), basename(candidate).replace('pg_dump', 'pg_restore'));
      return { pgDump: candidate, pgRestore: (await executable(sibling)) ? sibling : null, searched };
    }
    return { pgDump: null, pgRestore: null, searched };
  }

  async version(binary: string): Promise<PgVersion> {
    const { stdout } = await this.run(binary, ['--version'], { env: { PATH: process.env.PATH ?? '' } });
    const version = parseToolVersion(stdout);
    if (!version) throw new PgToolError(`${binary} --version printed no PostgreSQL version: ${stdout.trim().slice(0, 200)}`);
    return version;
  }

  /** pg_dump --format=custom of PGDATABASE into `file`, inside an exported snapshot when one is given. */
  async dump(options: { binary: string; env: NodeJS.ProcessEnv; file: string; snapshot?: string; signal?: AbortSignal }): Promise<void> {
    const args = ['--format=custom', '--no-password', `--file=${options.file}`];
    if (options.snapshot) args.push(`--snapshot=${options.snapshot}`);
    await this.run(options.binary, args, { env: options.env, signal: options.signal });
  }

  /** The archive's table of contents (`pg_restore --list`): reads the whole header and entry list. */
  async listContents(binary: string, file: string, signal?: AbortSignal): Promise<string> {
    const { stdout } = await this.run(binary, ['--list', file], { env: { PATH: process.env.PATH ?? '' }, signal });
    return stdout;
  }

  /**
   * pg_restore into PGDATABASE in one transaction that stops at the first error (all or
   * nothing). Objects are owned by the restoring role, without the source's grants.
   */
  async restore(options: { binary: string; env: NodeJS.ProcessEnv; file: string; signal?: AbortSignal }): Promise<void> {
    const args = ['--no-password', '--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'];
    args.push(`--dbname=${options.env.PGDATABASE ?? ''}`, options.file);
    await this.run(options.binary, args, { env: options.env, signal: options.signal });
  }

  private run(binary: string, args: string[], options: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<{ stdout: string; stderr: string }> {
    const name = basename(binary);
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
      const stdout: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
      });
      const stopped = () => {
        const reason: unknown = options.signal?.reason;
        return new PgToolError(`${name} stopped: ${reason instanceof Error ? reason.message : 'aborted'}`);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        reject(error.name === 'AbortError' ? stopped() : new PgToolError(`${name} could not be started: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        if (code === 0) resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr });
        else if (options.signal?.aborted) reject(stopped());
        else reject(new PgToolError(`${name} ${code === null ? `was killed by ${signal}` : `exited with code ${code}`}: ${stderr.trim() || 'no message'}`));
      });
    });
  }
}
