/**
 * Splits CSV text (RFC 4180: comma separated, double-quoted fields with "" escapes and line
 * breaks inside quotes, CRLF or LF) into rows, fed chunk by chunk so memory stays flat.
 */
export class CsvRowSplitter {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** A quote just closed inside a quoted field: the next char decides ("" or end of field). */
  private quoteSeen = false;
  private fieldStarted = false;

  /** The rows completed by this chunk. */
  push(chunk: string): string[][] {
    const rows: string[][] = [];
    for (const char of chunk) {
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (char === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
        } else if (char === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          this.field += char;
          continue;
        }
      }
      if (char === '"' && !this.fieldStarted) {
        this.quoted = true;
        this.fieldStarted = true;
      } else if (char === ',') {
        this.endField();
      } else if (char === '\n') {
        this.endField();
        rows.push(this.takeRow());
      } else if (char !== '\r') {
        this.field += char;
        this.fieldStarted = true;
      }
    }
    return rows;
  }

  /** The last row when the text does not end in a line break; null when nothing is pending. */
  end(): { row: string[] | null; unterminatedQuote: boolean } {
    const unterminatedQuote = this.quoted && !this.quoteSeen;
    if (!this.fieldStarted && this.row.length === 0) return { row: null, unterminatedQuote };
    this.endField();
    return { row: this.takeRow(), unterminatedQuote };
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.quoted = false;
    this.quoteSeen = false;
  }

  private takeRow(): string[] {
    const row = this.row;
    this.row = [];
    return row;
  }
}
