import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * PDF text through pdf-parse (pdfjs), in a child Node process:
 * - pdfjs loads its worker with a dynamic import(), which Jest's VM refuses without
 *   --experimental-vm-modules, so in-process use would work in production but not under test;
 * - a hostile or huge PDF can only exhaust the child (heap capped, killed after a timeout),
 *   never the API process.
 * The PDF bytes are streamed into the child's stdin as the upload arrives; pdfjs needs the
 * whole document (its cross-reference table is at the end), so the child holds it.
 */
const EXTRACT = `
const { PDFParse } = require(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  try {
    const parser = new PDFParse({ data: Buffer.concat(chunks) });
    const { text } = await parser.getText({ pageJoiner: '' });
    await parser.destroy();
    process.stdout.write(text);
  } catch (error) {
    process.stderr.write(String(error && error.name ? error.name : 'error'));
    process.exitCode = 2;
  }
});`;

/** The PDF could not be read (corrupt, encrypted, not a PDF after all). */
export class PdfTextError extends Error {}

export interface PdfTextExtraction {
  write(chunk: Buffer): Promise<void>;
  /** Closes the input and resolves with the text. */
  finish(): Promise<string>;
  abort(): void;
}

export function startPdfTextExtraction(options: { timeoutMs?: number; maxHeapMb?: number } = {}): PdfTextExtraction {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [`--max-old-space-size=${options.maxHeapMb ?? 1024}`, '-e', EXTRACT, require.resolve('pdf-parse')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  // A child that died early makes writes fail with EPIPE: the exit code tells the story.
  child.stdin.on('error', () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exited = new Promise<string>((resolve, reject) => {
    child.on('error', (error) => reject(new PdfTextError(`pdf-parse could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new PdfTextError(signal ? `text extraction stopped (${signal})` : `text extraction failed: ${Buffer.concat(err).toString('utf8').slice(0, 200)}`));
    });
  });
  exited.catch(() => undefined);
  return {
    async write(chunk) {
      if (child.stdin.destroyed) return;
      if (!child.stdin.write(chunk)) await new Promise<void>((resolve) => child.stdin.once('drain', resolve).once('close', resolve));
    },
    finish() {
      child.stdin.end();
      return exited;
    },
    abort() {
      clearTimeout(timer);
      child.kill('SIGKILL');
    },
  };
}
