import { controlCharacterErrors } from './control-characters';

describe('controlCharacterErrors', () => {
  it('names every field holding a C0 control character', () => {
    expect(controlCharacterErrors({ mark: 'AC\u0000ME', name: 'ok', nested: { list: ['a', 'b\u001b'] } })).toEqual([
      { field: 'mark', message: expect.stringMatching(/control characters/) },
      { field: 'nested.list[1]', message: expect.stringMatching(/control characters/) },
    ]);
  });

  it('allows tab and line breaks, and any other unicode', () => {
    expect(controlCharacterErrors({ text: 'line one\r\nline\ttwo', name: 'Zoë 日本 😀', n: 3, b: true, z: null })).toEqual([]);
  });

  it('checks field names, a bare string and a named query parameter', () => {
    expect(controlCharacterErrors({ ['a\u0000']: 1 })).toHaveLength(1);
    expect(controlCharacterErrors('x\u0001', 'q')).toEqual([{ field: 'q', message: expect.any(String) }]);
    expect(controlCharacterErrors('\u0000')).toEqual([{ field: 'body', message: expect.any(String) }]);
  });
});
