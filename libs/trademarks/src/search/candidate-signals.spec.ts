import { analyzeMark, LOOKALIKE_MAX_LETTERS, lookalikeKeys, WORD_KEY_PREFIX, wholeWordKeys, wordLookalikeKeys } from './analyzer';
import { editDistance } from './features';
import { phoneticCode, singularWord } from './normalize';
import { prepareQuery } from './scoring.util';
import {
  BRANCH_SCAN_ROWS,
  COMMON_KEY_RECORDS,
  TRIGRAM_THRESHOLD,
  candidateQueryOf,
  candidateSql,
  distinctiveSignals,
  exactMarksOf,
  lookalikeWordsOf,
  needsTrigramScan,
  ownFormKeysOf,
  trigramThreshold,
  wholeMarkKeysOf,
} from './trademark-search.repository';

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

  it('keys a mark of several words as a whole only up to the limit (plus one), and then by its compact form alone', () => {
    const plain = (mark: string): string[] => keysOf(mark).filter((k) => !k.startsWith(WORD_KEY_PREFIX));
    expect(plain('GRANITE XAS')).toEqual(['granitexas']);
    expect(plain('GRANITE XA').length).toBeGreaterThan(1);
    expect(keysOf('X')).toEqual([]);
  });

  it('keys a single word as a whole at any length, so a long word finds its look-alikes without a trigram scan', () => {
    expect(meet('LIGHTHOUSES', 'LIGHTHOUSE')).toBe(true);
    expect(meet('GRANITEXAS', 'GRANITEXOS')).toBe(true);
    expect(meet('LIGHTHOUSE', 'LIGHT HOUSE')).toBe(true); // the compact form of the split mark
  });
});

describe('word look-alike keys (marks of several words)', () => {
  const wordMeet = (a: string, b: string): boolean => wordLookalikeKeys(a).some((k) => keysOf(b).includes(k));

  it.each([
    ['kestrel', 'KSETREL FOODS'], // two neighbours swapped
    ['kestrel', 'KESTRAL FOODS'], // a substituted letter
    ['foods', 'KESTREL FOOD'], // a deleted letter
    ['moon', 'MOONS RIVER'], // an inserted letter (a 4-letter word)
    ['bolt', 'B0LT WORKS'], // a digit for the letter it looks like
    ['sun', 'SUN VALLEY'], // a 3-letter word, exact
  ])('the word %s meets %s', (word, mark) => {
    expect(wordMeet(word, mark)).toBe(true);
  });

  it('two words or more edits apart, or a 3-letter word one edit apart, do not meet', () => {
    expect(wordMeet('kestrel', 'KASTRAL FOODS')).toBe(false);
    expect(wordMeet('sun', 'SON VALLEY')).toBe(false);
  });

  it('a single-word mark stores no word keys, and a mark of several words stores them for each word', () => {
    expect(keysOf('KESTREL').some((k) => k.startsWith(WORD_KEY_PREFIX))).toBe(false);
    const keys = keysOf('KESTREL FOODS');
    for (const key of [...wordLookalikeKeys('kestrel'), ...wordLookalikeKeys('foods')]) expect(keys).toContain(key);
  });

  it('a word of a query meets the record that is that word alone through its whole-mark keys', () => {
    expect(wholeWordKeys('kestrel').some((k) => keysOf('KESTRAL').includes(k))).toBe(true);
    expect(wholeWordKeys('sun')).toEqual(['sun']);
    expect(wordLookalikeKeys('of')).toEqual([]);
  });
});

describe('lookalikeWordsOf', () => {
  it('keeps distinct content words of 3 letters or more, at most four', () => {
    expect(lookalikeWordsOf(['kestrel', 'of', 'the', 'foods', 'kestrel']).map((w) => w.word)).toEqual(['kestrel', 'foods']);
    expect(lookalikeWordsOf(['aaa', 'bbb', 'ccc', 'ddd', 'eee'])).toHaveLength(4);
    const [kestrel] = lookalikeWordsOf(['kestrels']);
    expect(kestrel.code).toBe(phoneticCode('kestrel'));
    expect(kestrel.wordKeys).toEqual(wordLookalikeKeys('kestrels'));
    expect(kestrel.markKeys).toEqual(wholeWordKeys('kestrels'));
  });
});

describe('wholeMarkKeysOf', () => {
  const queryOf = (mark: string) => {
    const analysis = analyzeMark(mark);
    return { lookalikeKeys: lookalikeKeys(analysis), words: analysis.words, compact: analysis.compact };
  };

  it('leaves out the word keys', () => {
    expect(wholeMarkKeysOf(queryOf('SUN FOX')).some((k) => k.startsWith(WORD_KEY_PREFIX))).toBe(false);
    expect(wholeMarkKeysOf(queryOf('SUN FOX'))).toContain('sunfox');
  });

  it('asks a long mark of several words for the deletions of its compact form: the split form meets the compound one letter shorter', () => {
    const keys = wholeMarkKeysOf(queryOf('STORM VALES'));
    expect(keysOf('STORMVALE').some((k) => keys.includes(k))).toBe(true);
    expect(keysOf('STORMVALESX').some((k) => keys.includes(k))).toBe(true);
  });
});

describe('wholeMarkKeysOf: a compound with a suffix of its own', () => {
  const queryOf = (mark: string) => {
    const analysis = analyzeMark(mark);
    return { lookalikeKeys: lookalikeKeys(analysis), words: analysis.words, compact: analysis.compact };
  };

  it.each([
    ['SILVERPINEER', 'SILVER PINE'],
    ['PRIMEFRESHER', 'PRIME FRESH'],
    ['SUNPINEERS', 'SUN PINE'],
    ['SUNPINEER', 'SUN PINE'],
  ])('%s meets %s', (query, record) => {
    const keys = wholeMarkKeysOf(queryOf(query));
    expect(keysOf(record).some((k) => keys.includes(k))).toBe(true);
  });

  it('not for a short word, nor for a suffix of four letters', () => {
    expect(wholeMarkKeysOf(queryOf('KESTREL'))).toEqual(keysOf('KESTREL'));
    const keys = wholeMarkKeysOf(queryOf('SILVERPINEXXXX'));
    expect(keysOf('SILVER PINE').some((k) => keys.includes(k))).toBe(false);
  });
});

describe('needsTrigramScan', () => {
  it('only for a query with no look-alike keys at all', () => {
    expect(needsTrigramScan({ lookalikeKeys: keysOf('LYZIS'), lookalikeWords: lookalikeWordsOf(['lyzis']) })).toBe(false);
    expect(needsTrigramScan({ lookalikeKeys: ['kestrelfoods'], lookalikeWords: lookalikeWordsOf(['kestrel', 'foods']) })).toBe(false);
    expect(needsTrigramScan({ lookalikeKeys: [], lookalikeWords: [] })).toBe(true);
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
    expect(distinctiveSignals({ keys: ['ZZQ'], words: ['zebraflux'] }, new Map())).toEqual({ keys: ['ZZQ'], words: ['zebraflux'], crowdedWords: [], crowdedExactKeys: [] });
  });

  it('sets a crowded initials or meaning key apart, for a branch within the searched classes', () => {
    const counts = new Map([
      ['#sp', COMMON_KEY_RECORDS + 1],
      ['SP', COMMON_KEY_RECORDS + 1],
      ['=sun', 5],
    ]);
    const signals = distinctiveSignals({ keys: ['SP', '#sp', '=sun'], words: [] }, counts);
    expect(signals.keys).toEqual(['=sun']);
    expect(signals.crowdedExactKeys).toEqual(['#sp']);
  });

  it('marks a look-alike word crowded when its sound code is common', () => {
    const counts = new Map([[kestrel, COMMON_KEY_RECORDS + 1]]);
    expect(distinctiveSignals({ keys: [], words: [], lookalikeWords: lookalikeWordsOf(['kestrel', 'zebraflux']) }, counts).crowdedWords).toEqual(['kestrel']);
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
    const { sql, bind } = candidateSql({ normalized: 'lyzis', keys: ['LSS'], lookalikeKeys: lookalike, words: ['lyzis'], classes: [], status: 'all' });
    expect(sql).not.toContain('% $1');
    expect(sql).toContain('r.lookalike_keys && $5::text[]');
    expect(sql.match(/LIMIT \$4/g)).toHaveLength(3);
    expect(bind).toEqual(['lyzis', ['LSS'], [], 200, lookalike, '%lyzis%']);
  });

  it('reads a short mark’s whole-mark look-alikes at most COMMON_KEY_RECORDS rows, and the records that are it or it with one letter more in a branch of their own', () => {
    const query = prepareQuery('MINT');
    const candidate = candidateQueryOf(query, [], 'all');
    expect(candidate.ownKeys).toEqual(['mint']);
    expect(ownFormKeysOf(prepareQuery('B0LT'))).toEqual(['b0lt', 'bolt']);
    // A long mark of several words: its compact form (which the records of the same words written together carry).
    expect(ownFormKeysOf(prepareQuery('KESTREL ZEBRAFLUX HOLDINGS'))).toEqual(['kestrelzebrafluxholdings']);
    const { sql, bind } = candidateSql({ ...candidate, keys: [], exactMarks: [], lookalikeWords: [], words: [] });
    // The other keys (the query less a letter: its deletions and substitutions) without the own form, so a crowd of
    // records one letter longer (RIVER for the query RIVR, 8,000 of them at 5M) does not fill the bounded read.
    expect(bind[4]).toEqual(candidate.lookalikeKeys!.filter((key) => key !== 'mint'));
    expect(sql).toContain(`r.lookalike_keys && $5::text[]  LIMIT ${COMMON_KEY_RECORDS}) r`);
    expect(bind[5]).toEqual(['mint']);
    expect(sql).toContain(`r.lookalike_keys && $6::text[]  LIMIT ${BRANCH_SCAN_ROWS}) r`);
    // No own form among the keys (a form too long for deletion keys): no branch of it.
    expect(candidateSql({ ...candidate, keys: [], ownKeys: ['elsewhere'], lookalikeWords: [], words: [] }).bind).not.toContainEqual(['elsewhere']);
  });

  it('gives a one-word query a branch of its word keys, for the records of several words that contain a look-alike of it', () => {
    const words = lookalikeWordsOf(['lyzis']);
    const { sql, bind } = candidateSql({ normalized: 'lyzis', keys: [], lookalikeKeys: keysOf('LYZIS'), lookalikeWords: words, words: [], classes: [], status: 'all' });
    expect(sql).toContain('r.lookalike_keys && $6::text[]');
    expect(bind[5]).toEqual(words[0].wordKeys);
    expect(sql).toContain(`LIMIT ${BRANCH_SCAN_ROWS}) r`);
  });

  it('finds a long mark of rare words by per-word keys, with no trigram scan', () => {
    const words = lookalikeWordsOf(['kestrel', 'zebraflux']);
    const { sql, bind } = candidateSql({ normalized: 'kestrel zebraflux', keys: [], lookalikeKeys: ['kestrelzebraflux'], lookalikeWords: words, words: [], classes: [], status: 'all' });
    expect(sql).not.toContain('% $1');
    expect(bind.slice(5)).toEqual([
      [...words[0].wordKeys, ...words[0].markKeys],
      [...words[1].wordKeys, ...words[1].markKeys],
    ]);
    expect(sql).not.toContain('@>');
  });

  it('gives crowded words no branch alone: only the records that are exactly that word, and each pair with another word, by word keys and by sound', () => {
    const words = lookalikeWordsOf(['kestrel', 'foods']);
    const { sql, bind } = candidateSql({
      normalized: 'kestrel foods',
      keys: [],
      lookalikeKeys: ['kestrelfoods'],
      lookalikeWords: words,
      crowdedWords: ['kestrel', 'foods'],
      words: [],
      classes: [],
      status: 'all',
    });
    expect(sql).not.toContain('% $1');
    expect(bind[5]).toEqual(['kestrel', 'foods']); // the records that are exactly one of the crowded words
    expect(sql).toContain('r.lookalike_keys && $7::text[] AND r.lookalike_keys && $8::text[]');
    expect(bind.slice(6, 8)).toEqual([words[0].wordKeys, words[1].wordKeys]);
    expect(sql).toContain('r.phonetic_keys @> $9::text[]');
    expect(bind[8]).toEqual([words[0].code, words[1].code]);
  });

  it('keeps the trigram scan, bounded, for a query without look-alike keys', () => {
    const { sql } = candidateSql({ normalized: 'x', keys: [], lookalikeKeys: [], lookalikeWords: [], words: [], classes: [], status: 'all' });
    expect(sql).toContain(`WHERE r.normalized_mark % $1  LIMIT ${BRANCH_SCAN_ROWS}) r`);
  });

  it('reads a crowded initialism only among the records in the searched classes, and not at all without classes', () => {
    const query = { normalized: 'sp', keys: [], lookalikeKeys: ['sp'], words: [], crowdedExactKeys: ['#sp'], status: 'all' as const };
    const inClasses = candidateSql({ ...query, classes: [25] });
    expect(inClasses.sql).toContain('r.phonetic_keys && $5::text[] AND r.classes && $3::int[]');
    expect(inClasses.bind).toContainEqual(['#sp']);
    expect(candidateSql({ ...query, classes: [] }).bind).not.toContainEqual(['#sp']);
  });

  it('looks up the records that are exactly the initials or a two-letter word of a query of several words', () => {
    expect(exactMarksOf(analyzeMark('SILVER PINE FOODS'))).toEqual(['spf', 'sp']);
    expect(exactMarksOf(analyzeMark('KE BREWING'))).toEqual(['kb', 'ke']);
    expect(exactMarksOf(analyzeMark('BY FOODS'))).toEqual(['by']);
    expect(exactMarksOf(analyzeMark('SILVERPINE'))).toEqual([]);
    const { sql, bind } = candidateSql({ normalized: 'silver pine foods', keys: [], words: [], exactMarks: ['spf', 'sp'], classes: [], status: 'all' });
    expect(sql).toContain('r.lookalike_keys && $5::text[] AND r.normalized_mark = ANY($5::text[])');
    expect(bind[4]).toEqual(['spf', 'sp']);
  });

  it('gives initials and meaning keys a branch of their own', () => {
    const { sql, bind } = candidateSql({ normalized: 'cedar valley health', keys: ['STR', '#cvh', '=tree'], words: [], classes: [], status: 'all' });
    expect(sql).toContain('r.phonetic_keys && $2::text[]');
    expect(sql).toContain('r.phonetic_keys && $5::text[]');
    expect(bind).toEqual(['cedar valley health', ['STR'], [], 200, ['#cvh', '=tree']]);
  });
});
