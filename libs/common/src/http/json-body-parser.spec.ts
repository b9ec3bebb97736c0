import { exceedsJsonDepth } from './json-body-parser';

describe('exceedsJsonDepth', () => {
  it('counts nested arrays and objects', () => {
    expect(exceedsJsonDepth('[[[]]]', 3)).toBe(false);
    expect(exceedsJsonDepth('[[[[]]]]', 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":{"b":{"c":{}}}}', 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":[1,{"b":2}],"c":[3]}', 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth('{"a":"[[[[[[{{{{"}', 2)).toBe(false);
    expect(exceedsJsonDepth('{"a":"\\"[[[[[["}', 2)).toBe(false);
    expect(exceedsJsonDepth('["\\\\",[[[]]]]', 3)).toBe(true);
  });

  it('handles 200,000 levels without recursion', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(exceedsJsonDepth(deep, 64)).toBe(true);
    expect(exceedsJsonDepth('[1]'.repeat(100_000), 64)).toBe(false);
  });
});
