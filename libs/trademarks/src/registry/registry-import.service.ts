import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { MarkKeysProvider } from './mark-keys';
import { RegistryCsvParser, RegistryFileError } from './registry-csv.parser';
import { RegistryImportError } from './registry.errors';
import type { ImportProgress, ImportSummary, ParsedItem, RegistryFormat, RejectedRecord, StagedRecord } from './registry.types';
import { TrademarkRecordsRepository } from './trademark-records.repository';
import { UsptoXmlParser, type SourceEnd } from './uspto-xml.parser';
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
}

interface SourceParser {
  parse(input: Readable): AsyncGenerator<ParsedItem>;
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
 * TrademarkRecordsRepository.upsertBatch). A bad record is skipped and reported with its
 * position and reason; the good ones around it are stored. A file cut short is imported up to
 * the last complete record and reported as truncated.
 */
@Injectable()
export class RegistryImportService {
  private readonly logger = new Logger(RegistryImportService.name);

  constructor(
    private readonly records: TrademarkRecordsRepository,
    private readonly markKeys: MarkKeysProvider,
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
    const { sources, close } = await this.sourcesOf(path, format);
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
    let bytesBefore = 0;
    let current: OpenSource | null = null;
    let batch: StagedRecord[] = [];
    const flush = async (): Promise<void> => {
      const counts = await this.records.upsertBatch(batch);
      batch = [];
      summary.inserted += counts.inserted;
      summary.updated += counts.updated;
      summary.unchanged += counts.unchanged;
      const bytesRead = bytesBefore + (current?.bytesRead() ?? 0);
      options.onProgress?.({ records: summary.read, rejected: summary.rejectedCount, bytesRead, totalBytes, elapsedMs: Date.now() - started });
    };
    const problems: string[] = [];
    try {
      for (const source of sources) {
        current = await source.open();
        try {
          for await (const item of current.parser.parse(current.content)) {
            if (item.kind === 'rejected') {
              const rejected = source.entry ? { ...item.rejected, entry: source.entry } : item.rejected;
              summary.rejectedCount += 1;
              if (summary.rejected.length < REJECTED_KEPT) summary.rejected.push(rejected);
              options.onRejected?.(rejected);
              continue;
            }
            summary.read += 1;
            batch.push({ ...item.record, ...this.markKeys.keysOf(item.record.mark), source: source.label });
            if (batch.length >= batchSize) await flush();
          }
        } finally {
          current.content.destroy();
        }
        bytesBefore += current.bytesRead();
        const end = current.parser.end();
        summary.truncated ||= end.truncated;
        if (end.detail) problems.push(source.entry ? `${source.entry}: ${end.detail}` : end.detail);
      }
      current = null;
      await flush();
    } catch (error) {
      if (error instanceof RegistryFileError || error instanceof ZipArchiveError) throw new RegistryImportError(`${basename(path)}: ${error.message}`);
      throw error;
    } finally {
      close();
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
      details: { ...counts, rejected: rejected.slice(0, 100) },
    });
    this.logger.log(
      `Imported ${path}: ${summary.read} read, ${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejectedCount} rejected${summary.truncated ? ', truncated' : ''}; ${settledPages} pending index pages settled`,
    );
    return summary;
  }

  /** The files to read: the file itself, or each .xml file of a zip archive in name order; close() when done. */
  private async sourcesOf(path: string, format: RegistryFormat): Promise<{ sources: Source[]; close(): void }> {
    const none = () => undefined;
    if (format === 'csv') return { sources: [{ label: `csv:${basename(path)}`, entry: null, open: async () => fileSource(path, new RegistryCsvParser()) }], close: none };
    if (format === 'xml') return { sources: [{ label: `uspto-xml:${basename(path)}`, entry: null, open: async () => fileSource(path, new UsptoXmlParser()) }], close: none };
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
        return { content: opened.content, bytesRead: opened.bytesRead, parser: new UsptoXmlParser() };
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
