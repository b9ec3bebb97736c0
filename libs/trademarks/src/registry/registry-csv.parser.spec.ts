import { Readable } from 'node:stream';
import { RegistryCsvParser, RegistryFileError } from './registry-csv.parser';
import type { ParsedItem } from './registry.types';

const HEADER = 'serial_number,registration_number,mark,status_code,classes,owner,filing_date,goods_services';

/** The text as a byte stream cut into `size`-byte chunks (multi-byte characters split too). */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

async function parseAll(input: Readable) {
  const parser = new RegistryCsvParser();
  const items: ParsedItem[] = [];
  for await (const item of parser.parse(input)) items.push(item);
  return { items, end: parser.end() };
}

const marks = (items: ParsedItem[]) => items.map((i) => (i.kind === 'record' ? i.record.mark : `rejected#${i.rejected.position}: ${i.rejected.reason}`));

describe('RegistryCsvParser (csv-parse)', () => {
  const text = [
    `\uFEFF${HEADER}`,
    '98200001,,"SUNNY, ""DAYS""",700,25,OWNER,,"two',
    'lines"',
    '',
    '98200002,,ÉCLAIR,630,9,O"NEIL,,',
    '98200003,,SHORT',
    '98200004,,LAST,630,9,X,,no newline',
  ].join('\r\n');

  it('reads RFC 4180 (quotes, "" escapes, line breaks inside quotes, CRLF or LF, a BOM) the same whatever the chunking', async () => {
    const whole = await parseAll(chunked(text, 1 << 20));
    expect(marks(whole.items)).toEqual(['SUNNY, "DAYS"', 'ÉCLAIR', 'rejected#3: 3 fields, the header has 8', 'LAST']);
    expect(whole.end).toEqual({ truncated: false, detail: null });
    // A quote inside an unquoted field is kept as text.
    expect(whole.items[1]).toMatchObject({ record: { owner: 'O"NEIL' } });
    expect(whole.items[0]).toMatchObject({ record: { goodsServices: 'two lines' } });
    for (const size of [1, 2, 7]) expect(await parseAll(chunked(text, size))).toEqual(whole);
    expect(await parseAll(chunked(text.replace(/\r\n/g, '\n'), 3))).toEqual(whole);
  });

  it('says when the file ends inside a quoted field (a cut file), keeping the rows before it', async () => {
    const cut = await parseAll(chunked(`${HEADER}\n98200001,,ONE,630,9,X,,\n98200002,,"cut here`, 5));
    expect(marks(cut.items)).toEqual(['ONE']);
    expect(cut.end).toEqual({ truncated: true, detail: 'the file ends inside a quoted field of data row 2; that row is not imported' });
  });

  it('refuses a file without a header, and one whose row is past the size bound', async () => {
    await expect(parseAll(chunked('', 4))).rejects.toThrow(new RegistryFileError('the CSV file is empty (no header)'));
    await expect(parseAll(chunked(`${HEADER}\n1,,"${'x'.repeat(1_100_000)}`, 65_536))).rejects.toThrow('data row 1 is longer than 1000000 bytes');
  });
});
