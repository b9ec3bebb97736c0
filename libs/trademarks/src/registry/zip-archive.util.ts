import { pipeline, type Readable, Transform } from 'node:stream';
import * as yauzl from 'yauzl';

/** One file inside a zip archive, as its central directory lists it. */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export class ZipArchiveError extends Error {}

export interface OpenZipEntry {
  /** The entry's content, inflated on the fly. */
  content: Readable;
  /** Compressed bytes read so far, estimated from the inflated bytes (for progress against the archive's size). */
  bytesRead(): number;
}

export interface ZipArchive {
  /** The files of the archive (folders left out), in central-directory order. */
  entries: ZipEntry[];
  open(entry: ZipEntry): Promise<OpenZipEntry>;
  close(): void;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Opens a zip file with yauzl: the central directory (at the end of the file) is read, so the
 * entries' data is never buffered; ZIP64 archives (over 4 GiB or 65,535 entries) work. Stored and
 * deflated entries are streamed; an entry whose inflated size differs from the directory's is an
 * error on its stream.
 */
export async function openZipArchive(path: string): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (error) {
    throw new ZipArchiveError(`not a zip file, or cut short (${describe(error)})`);
  }
  const byName = new Map<string, yauzl.Entry>();
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      byName.set(entry.fileName, entry);
      entries.push({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
    }
  } catch (error) {
    zip.close();
    throw new ZipArchiveError(`corrupt central directory (${describe(error)})`);
  }
  return {
    entries,
    close: () => {
      if (zip.isOpen) zip.close();
    },
    open: async (wanted) => {
      const entry = byName.get(wanted.name);
      if (!entry) throw new ZipArchiveError(`${wanted.name}: no such entry`);
      if (entry.isEncrypted()) throw new ZipArchiveError(`${entry.fileName}: encrypted entries are not supported`);
      if (!entry.canDecodeFileData()) {
        throw new ZipArchiveError(`${entry.fileName}: compression method ${entry.compressionMethod} is not supported (stored or deflated only)`);
      }
      let inflated: Readable;
      try {
        inflated = await zip.openReadStreamPromise(entry);
      } catch (error) {
        throw new ZipArchiveError(`${entry.fileName}: ${describe(error)}`);
      }
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 1;
      // pipeline() passes a read error, a corrupt deflate stream or a size mismatch on to the consumer.
      const content = pipeline(inflated, counter, () => undefined);
      return { content, bytesRead: () => Math.round(bytes * ratio) };
    },
  };
}
