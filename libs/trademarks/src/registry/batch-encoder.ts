import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { EncoderTask } from './registry-encoder.worker';
import { encodeBatch, encodeSegment, type EncodedBatch, type EncodedSegment, type SourcedRecord } from './staging-batch';
import type { CaseFileSegment } from './uspto-xml.splitter';

/** The worker's compiled script; absent when the code runs from its TypeScript sources (Jest). */
const WORKER_SCRIPT = join(__dirname, 'registry-encoder.worker.js');

/**
 * The young generation of each worker's heap (V8 gives 3 semi-spaces' worth, so semi-spaces of
 * 64 MB instead of 16). A batch allocates a few megabytes of short-lived strings and objects
 * (the parser's events, the records, the COPY text): with the default, a quarter of a worker's
 * time went to the garbage collector, 10 % with this.
 */
const WORKER_YOUNG_GENERATION_MB = 192;

/**
 * Analyzes and encodes an import's batches (encodeBatch), and parses the segments of case-file
 * XML the splitter cut (encodeSegment): in a pool of worker threads (Piscina)
 * when there are threads to use, so that the main thread keeps parsing the file and writing to
 * the database meanwhile, else on the calling thread. Batches may finish out of order; the
 * importer writes them in order.
 */
export class BatchEncoder {
  private constructor(private readonly pool: Piscina | null) {}

  /**
   * A pool of `threads` worker threads, or none (encoding inline) when `threads` is 0 or the
   * worker's compiled script is not there.
   */
  static open(threads: number): BatchEncoder {
    if (threads <= 0 || !existsSync(WORKER_SCRIPT)) return new BatchEncoder(null);
    return new BatchEncoder(
      new Piscina({ filename: WORKER_SCRIPT, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }),
    );
  }

  get threads(): number {
    return this.pool?.options.maxThreads ?? 0;
  }

  async encode(records: SourcedRecord[]): Promise<EncodedBatch> {
    return this.pool ? ((await this.pool.run({ records } satisfies EncoderTask)) as EncodedBatch) : encodeBatch(records);
  }

  /** Parses a segment of case-file XML (UsptoXmlSplitter) and encodes its good records. */
  async encodeSegment(segment: CaseFileSegment, source: string): Promise<EncodedSegment> {
    return this.pool ? ((await this.pool.run({ segment, source } satisfies EncoderTask)) as EncodedSegment) : encodeSegment(segment, source);
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
