import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { TRADEMARKS_CONFIG, type TrademarksConfig } from '../trademarks.config';
import { BatchEncoder } from './batch-encoder';
import { RegistryCsvParser, RegistryFileError } from './registry-csv.parser';
import { RegistryImportError } from './registry.errors';
import type { ImportProgress, ImportSummary, RegistryFormat, RejectedRecord } from './registry.types';
import { TrademarkRecordsRepository, type RegistryWriter } from './trademark-records.repository';
import type { EncodedBatch, EncodedSegment, SourcedRecord } from './staging-batch';
import type { SourceEnd } from './uspto-xml.parser';
import { UsptoXmlSplitter, type SplitItem } from './uspto-xml.splitter';
import { openZipArchive, ZipArchiveError } from './zip-archive.util';

export const DEFAULT_IMPORT_BATCH_SIZE = 1_000;
/** The summary keeps this many rejections; every one is still reported through onRejected. */
export const REJECTED_KEPT = 1_000;

export interface ImportOptions {
  /** Records per staging batch and transaction. */
  batchSize?: number;
  /** Called after every stored batch. */
  onProgress?(progress: ImportProgress): void;
  /** Called for each skipped record, as it is met. */
  onRejected?(rejected: RejectedRecord): void;
  /** Worker threads to analyze and encode with (default: REGISTRY_IMPORT_WORKERS); 0 encodes on the calling thread. */
  workers?: number;
}

/** A file smaller than this is encoded on the calling thread, whatever the workers setting. */
export const WORKERS_MIN_BYTES = 2 * 1024 * 1024;

interface SourceParser {
  parse(input: Readable): AsyncGenerator<SplitItem>;
  end(): SourceEnd;
}

export function registryFormatOf(path: string): RegistryFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.xml') return 'xml';
  if (extension === '.csv') return 'csv';
  if (extension === '.zip') return 'zip';
  throw new RegistryImportError(`${basename(path)}: unknown registry format "${extension}" (expected .xml, .zip of .xml, or .csv)`);
}

/**
 * Imports a registry file (USPTO case-file XML, a zip of such files, or the registry CSV) into trademark_records:
 * streamed (memory stays flat whatever the size), stored in batches, idempotent (see
 * TrademarkRecordsRepository.upsertIn). A bad record is skipped and reported with its
 * position and reason; the good ones around it are stored. A file cut short is imported up to
 * the last complete record and reported as truncated. Into an empty registry the run is one bulk
 * load that builds the indexes at its end (TrademarkRecordsRepository.openWriter); the records'
 * parsing (of the case-files UsptoXmlSplitter cuts out), analysis and encoding run on worker
 * threads (BatchEncoder) while this thread reads and writes.
 */
@Injectable()
export class RegistryImportService {
  private readonly logger = new Logger(RegistryImportService.name);

  constructor(
    private readonly records: TrademarkRecordsRepository,
    @InjectConfig(TRADEMARKS_CONFIG) private readonly config: TrademarksConfig,
  ) {}

  async importFile(path: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const format = registryFormatOf(path);
    const totalBytes = await stat(path).then(
      (s) => s.size,
      () => {
        throw new RegistryImportError(`${path}: no such file`);
      },
    );
    const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
    const { sources, close } = await this.sourcesOf(path, format, batchSize);
    const started = Date.now();
    const summary: ImportSummary = {
      file: path,
      format,
      read: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      rejectedCount: 0,
      rejected: [],
      truncated: false,
      fileProblem: null,
      durationMs: 0,
    };
    // Small files are encoded inline: starting the worker threads would cost more than they save.
    const encoder = BatchEncoder.open(totalBytes >= WORKERS_MIN_BYTES ? (options.workers ?? this.config.importWorkers) : 0);
    let writer: RegistryWriter | null = null;
    // The pipeline: the main thread reads; each segment of case-files is parsed and encoded (each
    // batch of records a CSV parser gave, encoded) on a worker thread when there are some, then
    // written, one at a time in file order, while reading goes on.
    const inFlight = Math.max(2, encoder.threads + 1);
    const pending: Array<Promise<void>> = [];
    let written: Promise<void> = Promise.resolve();
    let bytesBefore = 0;
    let current: OpenSource | null = null;
    let batch: SourcedRecord[] = [];
    const problems: string[] = [];
    // Queues a step behind every one before it, so that writes, counts and reports keep file order;
    // a write waits while `inFlight` writes are queued, so memory stays flat.
    const enqueue = async (step: () => Promise<void> | void, isWrite: boolean): Promise<void> => {
      const next = written.then(step);
      // Settled either way here: a failure surfaces when the queue is awaited, in order.
      next.catch(() => undefined);
      written = next;
      if (!isWrite) return;
      pending.push(next);
      if (pending.length >= inFlight) await pending.shift();
    };
    const reject = (rejected: RejectedRecord): void => {
      summary.rejectedCount += 1;
      if (summary.rejected.length < REJECTED_KEPT) summary.rejected.push(rejected);
      options.onRejected?.(rejected);
    };
    const write = async (encoded: Promise<EncodedBatch>, bytesRead: number, before?: (result: EncodedBatch) => void): Promise<void> => {
      // Settled either way: a failed encode fails its own write, in order.
      encoded.catch(() => undefined);
      await enqueue(async () => {
        const result = await encoded;
        before?.(result);
        const counts = await writer!.write(result);
        summary.read += result.count;
        summary.inserted += counts.inserted;
        summary.updated += counts.updated;
        summary.unchanged += counts.unchanged;
        options.onProgress?.({ records: summary.read, rejected: summary.rejectedCount, bytesRead, totalBytes, elapsedMs: Date.now() - started });
      }, true);
    };
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const records = batch;
      batch = [];
      await write(encoder.encode(records), bytesBefore + (current?.bytesRead() ?? 0));
    };
    try {
      writer = await this.records.openWriter();
      for (const source of sources) {
        current = await source.open();
        const located = (rejected: RejectedRecord): RejectedRecord => (source.entry ? { ...rejected, entry: source.entry } : rejected);
        try {
          for await (const item of current.parser.parse(current.content)) {
            if (item.kind === 'segment') {
              // Case-files the splitter cut: parsed and encoded on a worker, written in their place.
              await flush();
              await write(encoder.encodeSegment(item, source.label), bytesBefore + current.bytesRead(), (result) => {
                const segment = result as EncodedSegment;
                for (const rejected of segment.rejected) reject(located(rejected));
                if (segment.problem) problems.push(source.entry ? `${source.entry}: ${segment.problem}` : segment.problem);
              });
            } else if (item.kind === 'rejected') {
              await enqueue(() => reject(located(item.rejected)), false);
            } else {
              batch.push(Object.assign(item.record, { source: source.label }));
              if (batch.length >= batchSize) await flush();
            }
          }
          await flush();
        } finally {
          current.content.destroy();
        }
        bytesBefore += current.bytesRead();
        const end = current.parser.end();
        await enqueue(() => {
          summary.truncated ||= end.truncated;
          if (end.detail) problems.push(source.entry ? `${source.entry}: ${end.detail}` : end.detail);
        }, false);
      }
      current = null;
      await written;
      // The whole file read and written (a bulk load's index builds follow).
      options.onProgress?.({ records: summary.read, rejected: summary.rejectedCount, bytesRead: bytesBefore, totalBytes, elapsedMs: Date.now() - started });
      const indexes = await writer.finish();
      if (writer.bulk) this.logger.log(`Bulk load into the empty registry: ${indexes} indexes built after the load`);
    } catch (error) {
      await written.catch(() => undefined);
      await writer?.abort().catch((abortError: unknown) => this.logger.error(`Rolling back the import failed: ${String(abortError)}`));
      if (error instanceof RegistryFileError || error instanceof ZipArchiveError) throw new RegistryImportError(`${basename(path)}: ${error.message}`);
      throw error;
    } finally {
      close();
      await encoder.close();
    }
    summary.fileProblem = problems.length > 0 ? problems.join('; ') : null;
    // Searches right after a load would read the GIN indexes' pending lists and plan with the
    // statistics of before it: settle them once, outside the batches' transactions.
    const settledPages = summary.inserted + summary.updated > 0 ? await this.records.settleIndexes() : 0;
    summary.durationMs = Date.now() - started;
    // After the last batch: a run spans many transactions, and the log says what all of them did.
    const { rejected, file, ...counts } = summary;
    await this.records.appendLog({
      userId: null,
      action: 'registry.import',
      entityType: 'registry_file',
      entityId: basename(file),
      details: { ...counts, bulk: writer.bulk, workers: encoder.threads, rejected: rejected.slice(0, 100) },
    });
    this.logger.log(
      `Imported ${path}: ${summary.read} read, ${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejectedCount} rejected${summary.truncated ? ', truncated' : ''}; ${settledPages} pending index pages settled`,
    );
    return summary;
  }

  /** The files to read: the file itself, or each .xml file of a zip archive in name order; close() when done. */
  private async sourcesOf(path: string, format: RegistryFormat, segmentSize: number): Promise<{ sources: Source[]; close(): void }> {
    const none = () => undefined;
    if (format === 'csv') return { sources: [{ label: `csv:${basename(path)}`, entry: null, open: async () => fileSource(path, new RegistryCsvParser()) }], close: none };
    if (format === 'xml') return { sources: [{ label: `uspto-xml:${basename(path)}`, entry: null, open: async () => fileSource(path, new UsptoXmlSplitter(segmentSize)) }], close: none };
    let archive;
    try {
      archive = await openZipArchive(path);
    } catch (error) {
      if (error instanceof ZipArchiveError) throw new RegistryImportError(`${basename(path)}: ${error.message}`);
      throw error;
    }
    const xml = archive.entries.filter((e) => /\.xml$/i.test(e.name)).sort((a, b) => a.name.localeCompare(b.name));
    if (xml.length === 0) {
      archive.close();
      throw new RegistryImportError(`${basename(path)}: the archive holds no .xml file`);
    }
    const sources = xml.map((entry) => ({
      label: `uspto-xml:${basename(path)}/${entry.name}`,
      entry: entry.name,
      open: async () => {
        const opened = await archive.open(entry);
        return { content: opened.content, bytesRead: opened.bytesRead, parser: new UsptoXmlSplitter(segmentSize) };
      },
    }));
    return { sources, close: () => archive.close() };
  }
}

interface OpenSource {
  content: Readable;
  bytesRead(): number;
  parser: SourceParser;
}

interface Source {
  /** Stored in trademark_records.source. */
  label: string;
  /** The file's name inside a zip archive. */
  entry: string | null;
  open(): Promise<OpenSource>;
}

function fileSource(path: string, parser: SourceParser): OpenSource {
  const content = createReadStream(path);
  return { content, bytesRead: () => content.bytesRead, parser };
}
