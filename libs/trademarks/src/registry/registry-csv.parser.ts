import type { Readable } from 'node:stream';
import { CsvRowSplitter } from './csv-rows.util';
import type { ParsedItem, ParsedRecord } from './registry.types';
import { dateOf, niceClassesOf, RecordFieldError, registrationNumberOf, serialNumberOf, statusCodeOf, textOf } from './record-fields.util';
import { isLiveStatus } from './status-codes.util';
import type { SourceEnd } from './uspto-xml.parser';

export const CSV_COLUMNS = ['serial_number', 'registration_number', 'mark', 'status_code', 'classes', 'owner', 'filing_date', 'goods_services'] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** A file that cannot be read as a registry at all (not one bad record: the whole file). */
export class RegistryFileError extends Error {}

/**
 * Reads the registry CSV (header `serial_number,registration_number,mark,status_code,classes,
 * owner,filing_date,goods_services`, classes separated by `;`) as a stream, one row at a time.
 * The CSV carries no status date: its records never replace a record that has one.
 */
export class RegistryCsvParser {
  private fileProblem: string | null = null;

  async *parse(input: Readable): AsyncGenerator<ParsedItem> {
    input.setEncoding('utf8');
    const splitter = new CsvRowSplitter();
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
    for await (const chunk of input as AsyncIterable<string>) {
      for (const row of splitter.push(chunk)) {
        const item = handle(row);
        if (item) yield item;
      }
    }
    const last = splitter.end();
    if (last.unterminatedQuote) {
      this.fileProblem = `the file ends inside a quoted field of data row ${position + 1}; that row is not imported`;
    } else if (last.row) {
      const item = handle(last.row);
      if (item) yield item;
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
