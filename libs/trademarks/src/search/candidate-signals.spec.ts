import { analyzeMark, LOOKALIKE_MAX_LETTERS, lookalikeKeys } from './analyzer';
import { editDistance } from './features';
import { phoneticCode, singularWord } from './normalize';
import { COMMON_KEY_RECORDS, TRIGRAM_THRESHOLD, candidateSql, distinctiveSignals, needsTrigramScan, trigramThreshold } from './trademark-search.repository';

const keysOf = (mark: string): string[] => lookalikeKeys(analyzeMark(mark));
const meet = (a: string, b: string): boolean => keysOf(a).some((k) => keysOf(b).includes(k));

describe('lookalikeKeys (one-letter deletion neighbourhood)', () => {
  it.each([
    ['LYSIS', 'LYZIS'], // a substituted letter
    ['ZUMA', 'ZUMO'],
    ['ABX', 'ABZ'], // three letters
    ['AB', 'AC'], // two letters
    ['CREST', 'CRESTA'], // an inserted letter
    ['KESTREL', 'KSETREL'], // two neighbours swapped
    ['B0LT', 'BOLT'], // a digit for the letter it looks like
    ['SUN FOX', 'SUNFOXX'], // spacing ignored
    ['THE ROCK', 'ROCKS'], // articles ignored
    ['GRANITEX', 'GRANITEXA'], // the longest query against a record one letter longer
  ])('%s and %s (one edit apart) share a key', (a, b) => {
    expect(meet(a, b)).toBe(true);
  });

  it('marks two or more edits apart share none', () => {
    expect(meet('ABCD', 'ABXY')).toBe(false);
    expect(meet('LYSIS', 'LAZIS')).toBe(false);
  });

  it('holds for every pair one edit apart among generated short strings (property)', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const length = 2 + Math.floor(rand() * (LOOKALIKE_MAX_LETTERS - 1));
      const word = Array.from({ length }, () => 'abcdefghij'[Math.floor(rand() * 10)]).join('');
      const i = Math.floor(rand() * length);
      const other = [word.slice(0, i) + 'k' + word.slice(i + 1), word.slice(0, i) + word.slice(i + 1), word.slice(0, i) + 'k' + word.slice(i)][n % 3];
      if (other.length < 2 || editDistance(word, other) !== 1) continue;
      expect([word, other, meet(word, other)]).toEqual([word, other, true]);
    }
  });

  it('leaves marks longer than the limit (plus one) to the trigram scan', () => {
    expect(keysOf('GRANITEXAS')).toEqual([]);
    expect(keysOf('GRANITEXA').length).toBeGreaterThan(0);
    expect(keysOf('X')).toEqual([]);
  });
});

describe('needsTrigramScan', () => {
  it('only for marks longer than the look-alike keys cover', () => {
    expect(needsTrigramScan({ normalized: 'lyzis', letters: 5, lookalikeKeys: keysOf('LYZIS') })).toBe(false);
    expect(needsTrigramScan({ normalized: 'kestrel foods', letters: 12, lookalikeKeys: [] })).toBe(true);
    expect(needsTrigramScan({ normalized: 'x', letters: 1, lookalikeKeys: [] })).toBe(true);
  });
});

describe('trigramThreshold', () => {
  it('keeps the loose threshold for short marks, where one letter moves a third of the trigrams', () => {
    expect(trigramThreshold('lyzis')).toBe(TRIGRAM_THRESHOLD);
    expect(trigramThreshold('kwik mart')).toBe(TRIGRAM_THRESHOLD); // 8 letters, the space not counted
  });

  it('rises with the letters of the query, up to 0.45', () => {
    expect(trigramThreshold('kestrel foods')).toBe(0.35);
    expect(trigramThreshold('charm sports grp')).toBe(0.4);
    expect(trigramThreshold('charm sports groups')).toBe(0.45); // 17 letters
    expect(trigramThreshold('a'.repeat(200))).toBe(0.45);
  });
});

describe('distinctiveSignals', () => {
  const sport = phoneticCode(singularWord('sports'));
  const kestrel = phoneticCode('kestrel');

  it('drops keys carried by more than COMMON_KEY_RECORDS records and keeps the rest in order', () => {
    const counts = new Map([
      ['A', COMMON_KEY_RECORDS + 1],
      ['B', COMMON_KEY_RECORDS],
      ['C', 1],
    ]);
    expect(distinctiveSignals({ keys: ['A', 'B', 'C', 'D'], words: [] }, counts).keys).toEqual(['B', 'C', 'D']);
  });

  it('keeps a containment word only when its own sound code is rare', () => {
    const counts = new Map([
      [sport, 10_000],
      [kestrel, 12],
    ]);
    expect(distinctiveSignals({ keys: [], words: ['kestrel', 'sports'] }, counts).words).toEqual(['kestrel']);
  });

  it('treats a key no record carries as rare', () => {
    expect(distinctiveSignals({ keys: ['ZZQ'], words: ['zebraflux'] }, new Map())).toEqual({ keys: ['ZZQ'], words: ['zebraflux'] });
  });
});

describe('candidateSql', () => {
  it('has one branch per signal and binds each containment word as a LIKE pattern', () => {
    const { sql, bind } = candidateSql({ normalized: 'blue harbor', keys: ['PL'], words: ['harbor'], classes: [43], status: 'live' });
    expect(sql.match(/LIMIT \$4/g)).toHaveLength(3);
    expect(sql).toContain('AND r.live');
    expect(bind).toEqual(['blue harbor', ['PL'], [43], 200, '%harbor%']);
  });

  it('looks a short mark’s look-alikes up by their keys instead of a trigram scan', () => {
    const lookalike = keysOf('LYZIS');
    const { sql, bind } = candidateSql({ normalized: 'lyzis', keys: ['LSS'], lookalikeKeys: lookalike, letters: 5, words: ['lyzis'], classes: [], status: 'all' });
    expect(sql).not.toContain('% $1');
    expect(sql).toContain('r.lookalike_keys && $5::text[]');
    expect(sql.match(/LIMIT \$4/g)).toHaveLength(3);
    expect(bind).toEqual(['lyzis', ['LSS'], [], 200, lookalike, '%lyzis%']);
  });

  it('gives initials and meaning keys a branch of their own', () => {
    const { sql, bind } = candidateSql({ normalized: 'cedar valley health', keys: ['STR', '#cvh', '=tree'], words: [], classes: [], status: 'all' });
    expect(sql).toContain('r.phonetic_keys && $2::text[]');
    expect(sql).toContain('r.phonetic_keys && $5::text[]');
    expect(bind).toEqual(['cedar valley health', ['STR'], [], 200, ['#cvh', '=tree']]);
  });
});
