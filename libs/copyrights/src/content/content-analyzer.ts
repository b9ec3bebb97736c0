import { createHash } from 'node:crypto';
import { Parser as HtmlParser } from 'htmlparser2';
import sharp from 'sharp';
import { DHASH_HEIGHT, DHASH_WIDTH, dHash, pHash, PHASH_SIZE } from './image-hash';
import { PdfTextError, startPdfTextExtraction } from './pdf-text';
import { Winnower, type TextFingerprintSet } from './winnowing';

/**
 * Fingerprints of one uploaded file, computed while it streams in (the file itself is never
 * held whole in this process): SHA-256 of the bytes; the content type sniffed from the bytes
 * (file-type's signatures, then a UTF-8 text check); for text (plain, Markdown, HTML, PDF text)
 * winnowing fingerprints; for images (JPEG, PNG, WebP, GIF) a pHash and a dHash.
 */

export type ContentKind = 'text' | 'image' | 'other';

export interface ContentAnalysis {
  sizeBytes: number;
  sha256: string;
  /** Sniffed from the bytes, never the client's Content-Type. */
  mediaType: string;
  kind: ContentKind;
  text?: TextFingerprintSet;
  image?: { pHash: bigint; dHash: bigint; width: number; height: number };
}

/** More bytes than allowed arrived: nothing was kept. */
export class ContentTooLargeError extends Error {}
/** The bytes claim a format (by signature) that cannot be decoded. */
export class UndecodableContentError extends Error {
  constructor(readonly mediaType: string) {
    super(`The file looks like ${mediaType} but could not be read`);
  }
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
/** file-type needs at most this many leading bytes for the signatures used here. */
const SNIFF_BYTES = 4100;
/** Images above this many pixels are refused by the decoder (decompression bombs). */
const MAX_IMAGE_PIXELS = 100_000_000;

interface Sink {
  write(chunk: Buffer): Promise<void>;
  finish(analysis: ContentAnalysis): Promise<void>;
  abort(): void;
}

let fileTypeModule: Promise<typeof import('file-type')> | undefined;
/** file-type is an ES module: Node >= 20.19 loads it with require() (Jest compiles it, see jest.config.js). */
function loadFileType(): Promise<typeof import('file-type')> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fileTypeModule ??= Promise.resolve().then(() => require('file-type') as typeof import('file-type'));
  return fileTypeModule;
}

/** The type by signature, or by content for text; `filename` only chooses between text/plain and text/markdown. */
export async function sniff(head: Buffer, filename?: string): Promise<{ mediaType: string; kind: ContentKind }> {
  const { fileTypeFromBuffer } = await loadFileType();
  const detected = await fileTypeFromBuffer(head);
  if (detected) {
    if (IMAGE_TYPES.has(detected.mime)) return { mediaType: detected.mime, kind: 'image' };
    if (detected.mime === 'application/pdf') return { mediaType: detected.mime, kind: 'text' };
    return { mediaType: detected.mime, kind: 'other' };
  }
  if (!looksLikeUtf8Text(head)) return { mediaType: 'application/octet-stream', kind: 'other' };
  const start = head.toString('utf8', 0, Math.min(head.length, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<(!doctype html|html|head|body|!--|meta|title|p[ >]|div|h[1-6])/.test(start)) return { mediaType: 'text/html', kind: 'text' };
  if (filename && /\.(md|markdown)$/i.test(filename)) return { mediaType: 'text/markdown', kind: 'text' };
  return { mediaType: 'text/plain', kind: 'text' };
}

/** Valid UTF-8 (a sequence cut at the end of the sample is fine) without NULs and with few control characters. */
function looksLikeUtf8Text(head: Buffer): boolean {
  if (head.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return false;
  }
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if (c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) controls++;
  }
  return controls <= text.length * 0.01;
}

function textSink(mediaType: string): Sink {
  const winnower = new Winnower();
  const decoder = new TextDecoder('utf-8');
  let html: HtmlParser | undefined;
  if (mediaType === 'text/html') {
    let skipping = 0;
    html = new HtmlParser(
      {
        onopentagname: (name) => {
          if (name === 'script' || name === 'style') skipping++;
        },
        onclosetag: (name) => {
          if ((name === 'script' || name === 'style') && skipping > 0) skipping--;
        },
        // Block boundaries become spaces, so words of two paragraphs never run together.
        ontext: (text) => {
          if (skipping === 0) winnower.push(text);
        },
        onopentag: () => winnower.push(' '),
      },
      { decodeEntities: true },
    );
  }
  const push = (text: string) => (html ? html.write(text) : winnower.push(text));
  return {
    async write(chunk) {
      push(decoder.decode(chunk, { stream: true }));
    },
    async finish(analysis) {
      push(decoder.decode());
      html?.end();
      analysis.text = winnower.finish();
    },
    abort: () => undefined,
  };
}

function pdfSink(): Sink {
  const extraction = startPdfTextExtraction();
  return {
    write: (chunk) => extraction.write(chunk),
    async finish(analysis) {
      let text: string;
      try {
        text = await extraction.finish();
      } catch (error) {
        if (error instanceof PdfTextError) throw new UndecodableContentError('application/pdf');
        throw error;
      }
      const winnower = new Winnower();
      winnower.push(text);
      analysis.text = winnower.finish();
    },
    abort: () => extraction.abort(),
  };
}

function imageSink(mediaType: string): Sink {
  const input = sharp({ limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false });
  // Orientation from EXIF applied, transparency on white, grey levels, then the hash sizes.
  const grey = (width: number, height: number) =>
    input.clone().rotate().flatten({ background: '#ffffff' }).toColourspace('b-w').resize(width, height, { fit: 'fill' }).raw().toBuffer();
  const results = Promise.all([grey(PHASH_SIZE, PHASH_SIZE), grey(DHASH_WIDTH, DHASH_HEIGHT), input.clone().metadata()]);
  results.catch(() => undefined);
  input.on('error', () => undefined);
  return {
    async write(chunk) {
      if (!input.write(chunk)) await new Promise<void>((resolve) => input.once('drain', resolve));
    },
    async finish(analysis) {
      input.end();
      try {
        const [p, d, meta] = await results;
        analysis.image = { pHash: pHash(p), dHash: dHash(d), width: meta.autoOrient?.width ?? meta.width ?? 0, height: meta.autoOrient?.height ?? meta.height ?? 0 };
      } catch {
        throw new UndecodableContentError(mediaType);
      }
    },
    abort: () => input.destroy(),
  };
}

/**
 * Reads the source to its end (or until `maxBytes` is passed: ContentTooLargeError) and answers
 * its fingerprints. `onChunk` sees every byte too (the optional deposit copy).
 */
export async function analyzeContent(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: { maxBytes: number; filename?: string; onChunk?: (chunk: Buffer) => Promise<void> },
): Promise<ContentAnalysis> {
  const hash = createHash('sha256');
  let size = 0;
  let head: Buffer[] = [];
  let headBytes = 0;
  let sink: Sink | undefined;
  let analysis: ContentAnalysis | undefined;

  const open = async (): Promise<void> => {
    const first = Buffer.concat(head);
    head = [];
    const { mediaType, kind } = await sniff(first, options.filename);
    analysis = { sizeBytes: 0, sha256: '', mediaType, kind };
    sink = kind === 'image' ? imageSink(mediaType) : mediaType === 'application/pdf' ? pdfSink() : kind === 'text' ? textSink(mediaType) : undefined;
    if (sink && first.length > 0) await sink.write(first);
  };

  try {
    for await (const piece of source) {
      const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
      size += chunk.length;
      if (size > options.maxBytes) throw new ContentTooLargeError(`more than ${options.maxBytes} bytes`);
      hash.update(chunk);
      if (options.onChunk) await options.onChunk(chunk);
      if (!analysis) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) await open();
      } else if (sink) {
        await sink.write(chunk);
      }
    }
    if (!analysis) await open();
    const result = analysis!;
    result.sizeBytes = size;
    result.sha256 = hash.digest('hex');
    await sink?.finish(result);
    return result;
  } catch (error) {
    sink?.abort();
    throw error;
  }
}
