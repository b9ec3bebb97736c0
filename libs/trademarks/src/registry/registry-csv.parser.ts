import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { ParsedItem, ParsedRecord } from './registry.types';
import { dateOf, niceClassesOf, RecordFieldError, registrationNumberOf, serialNumberOf, statusCodeOf, textOf } from './record-fields.util';
import { isLiveStatus } from './status-codes.util';
import type { SourceEnd } from './uspto-xml.parser';

export const CSV_COLUMNS = ['serial_number', 'registration_number', 'mark', 'status_code', 'classes', 'owner', 'filing_date', 'goods_services'] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** A file that cannot be read as a registry at all (not one bad record: the whole file). */
export class RegistryFileError extends Error {}

/** Longest row accepted (bytes); past it the file is refused rather than buffered. */
export const CSV_MAX_RECORD_BYTES = 1_000_000;

/**
 * Reads the registry CSV (header `serial_number,registration_number,mark,status_code,classes,
 * owner,filing_date,goods_services`, classes separated by `;`) as a stream, one row at a time.
 * The CSV carries no status date: its records never replace a record that has one.
 */
export class RegistryCsvParser {
  private fileProblem: string | null = null;

  async *parse(input: Readable): AsyncGenerator<ParsedItem> {
    let header: string[] | null = null;
    let position = 0;
    const handle = (row: string[]): ParsedItem | null => {
      if (header === null) {
        header = row.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
        const missing = CSV_COLUMNS.filter((c) => !header?.includes(c));
        if (missing.length > 0) throw new RegistryFileError(`the CSV header lacks ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})`);
        return null;
      }
      if (row.length === 1 && row[0].trim() === '') return null;
      position += 1;
      const cells = Object.fromEntries(header.map((name, i) => [name, row[i]])) as Record<CsvColumn, string | undefined>;
      try {
        if (row.length !== header.length) throw new RecordFieldError(`${row.length} fields, the header has ${header.length}`);
        return { kind: 'record', position, record: recordOf(cells) };
      } catch (error) {
        if (!(error instanceof RecordFieldError)) throw error;
        const serial = cells.serial_number?.trim();
        return { kind: 'rejected', rejected: { serialNumber: serial ? serial : null, position, reason: error.message } };
      }
    };
    // RFC 4180 as csv-parse reads it, forgiving where registries are sloppy: LF or CRLF line ends,
    // a quote inside an unquoted field kept as text, rows of any length (checked above). The two
    // errors left (a quote never closed, a row past the size bound) end the parse; they are
    // taken as skips rather than stream errors so no row parsed before them is lost.
    let stoppedBy: CsvError | undefined;
    const rows = pipeline(
      input,
      parse({
        bom: true,
        record_delimiter: ['\r\n', '\n'],
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        max_record_size: CSV_MAX_RECORD_BYTES,
        skip_records_with_error: true,
        on_skip: (error) => {
          stoppedBy ??= error;
        },
      }),
      // A read error reaches the loop below through the parser.
      () => undefined,
    );
    try {
      for await (const row of rows as AsyncIterable<string[]>) {
        const item = handle(row);
        if (item) yield item;
      }
    } finally {
      rows.destroy();
    }
    const stop = stoppedBy as CsvError | undefined;
    if (stop?.code === 'CSV_QUOTE_NOT_CLOSED') {
      this.fileProblem = `the file ends inside a quoted field of data row ${position + 1}; that row is not imported`;
    } else if (stop?.code === 'CSV_MAX_RECORD_SIZE') {
      throw new RegistryFileError(`data row ${position + 1} is longer than ${CSV_MAX_RECORD_BYTES} bytes (an unbalanced quote?); the rows after it are not read`);
    } else if (stop) {
      throw new RegistryFileError(`data row ${position + 1}: ${stop.message}`);
    }
    if (header === null) throw new RegistryFileError('the CSV file is empty (no header)');
  }

  end(): SourceEnd {
    return { truncated: this.fileProblem !== null, detail: this.fileProblem };
  }
}

function recordOf(cells: Record<CsvColumn, string | undefined>): ParsedRecord {
  const statusCode = statusCodeOf(cells.status_code);
  const classes = (cells.classes ?? '').split(';').filter((c) => c.trim() !== '');
  return {
    serialNumber: serialNumberOf(cells.serial_number),
    registrationNumber: registrationNumberOf(cells.registration_number),
    mark: textOf(cells.mark),
    statusCode,
    live: isLiveStatus(statusCode),
    statusDate: null,
    filingDate: dateOf(cells.filing_date, 'filing_date'),
    registrationDate: null,
    owner: textOf(cells.owner),
    classes: niceClassesOf(classes),
    goodsServices: textOf(cells.goods_services),
  };
}
