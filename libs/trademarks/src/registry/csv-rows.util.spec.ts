import { CsvRowSplitter } from './csv-rows.util';

function split(chunks: string[]): { rows: string[][]; end: ReturnType<CsvRowSplitter['end']> } {
  const splitter = new CsvRowSplitter();
  const rows = chunks.flatMap((c) => splitter.push(c));
  return { rows, end: splitter.end() };
}

describe('CsvRowSplitter', () => {
  it('splits quoted fields with commas, "" escapes and line breaks, across chunk boundaries', () => {
    const text = 'a,b,c\r\n1,"x, ""y""","two\nlines"\n,,\nlast,row,no-newline';
    const whole = split([text]);
    const byChar = split([...text]);
    expect(whole.rows).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', 'two\nlines'],
      ['', '', ''],
    ]);
    expect(whole.end).toEqual({ row: ['last', 'row', 'no-newline'], unterminatedQuote: false });
    expect(byChar).toEqual(whole);
  });

  it('says when the text ends inside a quoted field (a cut file)', () => {
    expect(split(['a,b\n1,"cut here']).end).toEqual({ row: ['1', 'cut here'], unterminatedQuote: true });
    expect(split(['a,b\n']).end).toEqual({ row: null, unterminatedQuote: false });
  });
});
