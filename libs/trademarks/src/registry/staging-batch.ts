import { randomUUID } from 'node:crypto';
import { ANALYZER_VERSION } from '../search/analyzer';
import { markKeysOf } from './mark-keys';
import type { ParsedRecord, RejectedRecord, StagedRecord } from './registry.types';
import { parseSegment, type CaseFileSegment } from './uspto-xml.splitter';

/** A parsed record and the source label it is stored with (trademark_records.source). */
export type SourcedRecord = ParsedRecord & { source: string };

/**
 * A batch ready for COPY: its records (RECORD_COLUMNS, each with an id of its own, which a record
 * keeps when it is inserted) and the analyses of those that have a mark (ANALYSIS_COLUMNS), as
 * COPY CSV text, with the records' serial numbers in order. The same text goes straight into the
 * registry's tables when a bulk load meets the serial numbers for the first time, or into the
 * staging tables of an upsert otherwise (TrademarkRecordsRepository).
 */
export interface EncodedBatch {
  records: string;
  analyses: string;
  /** Each record's serial number (8 digits) as a number, in batch order. */
  serials: number[];
  count: number;
}

/** A segment of case-files parsed and encoded: its good records' batch, the ones it rejected, and its problem. */
export interface EncodedSegment extends EncodedBatch {
  rejected: RejectedRecord[];
  problem: string | null;
}

/** The columns of a batch's records, with their types, in COPY order (trademark_records' stored columns). */
export const RECORD_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ['serial_number', 'text'],
  ['registration_number', 'text'],
  ['mark', 'text'],
  ['normalized_mark', 'text'],
  ['phonetic_keys', 'text[]'],
  ['lookalike_keys', 'text[]'],
  ['status_code', 'text'],
  ['live', 'boolean'],
  ['status_date', 'date'],
  ['filing_date', 'date'],
  ['registration_date', 'date'],
  ['owner', 'text'],
  ['classes', 'integer[]'],
  ['goods_services', 'text'],
  ['source', 'text'],
];

/** The columns of a batch's analyses, in COPY order (trademark_mark_analyses). */
export const ANALYSIS_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['record_id', 'uuid'],
  ['version', 'smallint'],
  ['analysis', 'text'],
];

/** A text as a quoted field of COPY's CSV format (the quote doubled). */
function quoted(text: string): string {
  return `"${text.includes('"') ? text.replace(/"/g, '""') : text}"`;
}

/** One value as a field of COPY's CSV format (NULL is the unquoted empty field). */
export function csvField(value: string | number | boolean | null | ReadonlyArray<string | number>): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return quoted(typeof value === 'string' ? value : arrayLiteral(value));
}

/** A PostgreSQL array literal, every text element quoted (keys carry '#' and '='). */
export function arrayLiteral(values: ReadonlyArray<string | number>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    if (i > 0) literal += ',';
    literal += typeof v === 'number' ? String(v) : `"${/["\\]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : v}"`;
  }
  return `${literal}}`;
}

/** A mark's stored keys as CSV: `normalized_mark,phonetic_keys,lookalike_keys`, and its analysis field ('' without one). */
interface MarkFields {
  keys: string;
  analysis: string;
}

function markFieldsOf(keys: Pick<StagedRecord, 'normalizedMark' | 'phoneticKeys' | 'lookalikeKeys' | 'analysis'>): MarkFields {
  return { keys: `${csvField(keys.normalizedMark)},${csvField(keys.phoneticKeys)},${csvField(keys.lookalikeKeys)}`, analysis: keys.analysis === null ? '' : csvField(keys.analysis) };
}

/** The encoded keys and analysis of a mark (markKeysOf). */
function encodedMarkFields(mark: string | null): MarkFields {
  return markFieldsOf(markKeysOf(mark));
}

/** Appends records to a batch's COPY text. */
class BatchWriter {
  private records = '';
  private analyses = '';
  private readonly serials: number[] = [];
  private source: string | null = null;
  private sourceField = '';

  add(r: ParsedRecord, source: string, fields: MarkFields, id: string = randomUUID()): void {
    if (source !== this.source) {
      this.source = source;
      this.sourceField = csvField(source);
    }
    this.records +=
      `${id},${csvField(r.serialNumber)},${csvField(r.registrationNumber)},${csvField(r.mark)},${fields.keys},` +
      `${csvField(r.statusCode)},${r.live ? 't' : 'f'},${csvField(r.statusDate)},${csvField(r.filingDate)},${csvField(r.registrationDate)},` +
      `${csvField(r.owner)},${csvField(r.classes)},${csvField(r.goodsServices)},${this.sourceField}\n`;
    if (fields.analysis !== '') this.analyses += `${id},${ANALYZER_VERSION},${fields.analysis}\n`;
    this.serials.push(Number(r.serialNumber));
  }

  batch(): EncodedBatch {
    return { records: this.records, analyses: this.analyses, serials: this.serials, count: this.serials.length };
  }
}

/** Records whose keys and analysis are already computed, as a batch (for upsertBatch). */
export function encodeStaged(batch: readonly StagedRecord[]): EncodedBatch {
  const writer = new BatchWriter();
  for (const r of batch) writer.add(r, r.source, markFieldsOf(r));
  return writer.batch();
}

/**
 * Parsed records as a batch: each record's search keys and analysis (markKeysOf), then the COPY
 * text. Synchronous, and pure but for the records' new ids, so that it runs the same inline or in
 * a worker thread (registry-encoder.worker).
 */
export function encodeBatch(records: readonly SourcedRecord[]): EncodedBatch {
  const writer = new BatchWriter();
  for (const r of records) writer.add(r, r.source, encodedMarkFields(r.mark));
  return writer.batch();
}

/** A segment of case-file XML (UsptoXmlSplitter) parsed, then its good records encoded as encodeBatch does. */
export function encodeSegment(segment: CaseFileSegment, source: string): EncodedSegment {
  const { items, problem } = parseSegment(segment.text, segment.firstPosition);
  const writer = new BatchWriter();
  const rejected: RejectedRecord[] = [];
  for (const item of items) {
    if (item.kind === 'record') writer.add(item.record, source, encodedMarkFields(item.record.mark));
    else rejected.push(item.rejected);
  }
  return { ...writer.batch(), rejected, problem };
}
