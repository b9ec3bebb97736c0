import { arrayLiteral } from './array-literal.util';

describe('arrayLiteral', () => {
  it('quotes text, escapes quotes and backslashes, writes numbers, UTC dates and NULL', () => {
    expect(arrayLiteral(['a', 'say "hi"', 'C:\\dir', '', 'NULL', 'x,{y}'])).toBe('{"a","say \\"hi\\"","C:\\\\dir","","NULL","x,{y}"}');
    expect(arrayLiteral([1, 12.5, null, undefined])).toBe('{1,12.5,NULL,NULL}');
    expect(arrayLiteral([new Date('2026-11-25T01:02:03.456Z')])).toBe('{"2026-11-25T01:02:03.456Z"}');
    expect(arrayLiteral([])).toBe('{}');
  });
});
