import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/** One file inside a zip archive, as its central directory lists it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

export class ZipArchiveError extends Error {}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_MARKER = 0xffffffff;
/** The end record is 22 bytes, followed by a comment of at most 65,535. */
const END_SEARCH_BYTES = 22 + 0xffff;

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * The entries of a zip file, read from its central directory (at the end of the file, so the
 * entries' data is never buffered). ZIP64 archives (over 4 GiB or 65,535 entries) are refused.
 */
export async function listZipEntries(path: string, fileSize: number): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, fileSize - END_SEARCH_BYTES);
  const tail = await readAt(path, tailStart, fileSize - tailStart);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipArchiveError('not a zip file, or cut short (no end of central directory)');
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || directorySize === ZIP64_MARKER || directoryOffset === ZIP64_MARKER) throw new ZipArchiveError('ZIP64 archives are not supported');
  const directory = await readAt(path, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new ZipArchiveError('corrupt central directory');
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      localHeaderOffset: directory.readUInt32LE(at + 42),
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.compressedSize === ZIP64_MARKER || entry.localHeaderOffset === ZIP64_MARKER) throw new ZipArchiveError('ZIP64 archives are not supported');
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export interface OpenZipEntry {
  /** The entry's content, inflated on the fly. */
  content: Readable;
  /** Compressed bytes read so far (for progress against the archive's size). */
  bytesRead(): number;
}

export async function openZipEntry(path: string, entry: ZipEntry): Promise<OpenZipEntry> {
  const header = await readAt(path, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new ZipArchiveError(`${entry.name}: corrupt local header`);
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipArchiveError(`${entry.name}: compression method ${entry.method} is not supported (stored or deflated only)`);
  if (entry.compressedSize === 0) return { content: Readable.from([]), bytesRead: () => 0 };
  const raw = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  const bytesRead = (): number => raw.bytesRead;
  if (entry.method === 0) return { content: raw, bytesRead };
  // pipeline() passes a read error or a corrupt deflate stream on to the consumer, as an error.
  const content = pipeline(raw, createInflateRaw(), () => undefined);
  return { content, bytesRead };
}
