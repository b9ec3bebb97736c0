import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Our dump files (and their temporary twins): nothing else in BACKUP_DIR is ever deleted. */
const OWN_FILE = /^clearmark-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.dump(\.partial|\.sha256)?$/;

/** `clearmark-20261125T020000Z-1a2b3c4d.dump`: sortable by time, unique by run id. */
export function backupFileName(startedAt: Date, runId: string): string {
  const stamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `clearmark-${stamp}-${runId.replace(/-/g, '').slice(0, 8)}.dump`;
}

/** The files of BACKUP_DIR: the only code here that touches them. */
@Injectable()
export class BackupFilesRepository {
  /** Creates the folder (owner-only: dumps hold every password hash and personal datum). */
  async ensureDirectory(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }

  /** Where a dump is written before it is complete; renamed to `final` only once it is. */
  partialPath(final: string): string {
    return `${final}.partial`;
  }

  /** Renames a complete dump into place, flushed to disk first so that a crash cannot leave a short file under the final name. */
  async publish(partial: string, final: string): Promise<void> {
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(partial, 0o600);
    await rename(partial, final);
  }

  async size(path: string): Promise<number> {
    return (await stat(path)).size;
  }

  async sha256(path: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    return hash.digest('hex');
  }

  /** `<file>.sha256` in `sha256sum` format, so that `sha256sum -c` checks a copy without the database. */
  async writeChecksum(path: string, sha256: string): Promise<void> {
    await writeFile(`${path}.sha256`, `${sha256}  ${basename(path)}\n`, { mode: 0o600 });
  }

  async exists(path: string): Promise<boolean> {
    return stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** Deletes a dump and its checksum file; a file already gone is fine. */
  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
    await rm(`${path}.sha256`, { force: true });
  }

  /** Deletes temporary files of dumps that never completed (their process died) older than `olderThan`. */
  async removeStalePartials(dir: string, olderThan: Date): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const name of names) {
      if (!OWN_FILE.test(name) || !name.endsWith('.partial')) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtime < olderThan) {
        await rm(path, { force: true });
        removed.push(name);
      }
    }
    return removed;
  }
}
