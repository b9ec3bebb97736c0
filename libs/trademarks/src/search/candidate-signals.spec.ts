import { phoneticCode, singularWord } from './normalize';
import { COMMON_KEY_RECORDS, TRIGRAM_THRESHOLD, candidateSql, distinctiveSignals, trigramThreshold } from './trademark-search.repository';

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
});
