import { analyzeMark, searchKeys } from './analyzer';
import { distinctivenessFromCount, editDistance, pairFeatures, trigramSimilarity, type PairContext } from './features';
import { explain } from './explain';

const context = (overrides: Partial<PairContext> = {}): PairContext => ({ relation: 'same', live: true, distinctiveness: (w) => distinctivenessFromCount(w, 1), ...overrides });
const features = (a: string, b: string, c: Partial<PairContext> = {}) => pairFeatures(analyzeMark(a), analyzeMark(b), context(c));
const reasonKinds = (a: string, b: string) =>
  explain(features(a, b), { recordMark: b, relation: { relation: 'same', classes: [1] }, queryClasses: [1], live: true, status: '700' }).map((r) => r.kind);

describe('analyzeMark', () => {
  it('strips leading and elided articles but keeps them in the full compact form', () => {
    expect(analyzeMark("L'ESPRIT").words).toEqual(['esprit']);
    expect(analyzeMark('EL TORO').words).toEqual(['toro']);
    expect(analyzeMark("L'AMOUR").fullCompact).toBe('lamour');
  });

  it('reads digits as words for sound and as letters for appearance', () => {
    expect(analyzeMark('L8 NITE').wholeCode).toBe(analyzeMark('LATE NIGHT').wholeCode);
    expect(analyzeMark('B0LT').visual).toBe('bolt');
  });

  it('keeps the initials of the mark less one word as search keys', () => {
    const a = analyzeMark('CEDAR VALLEY HEALTH GROUP');
    expect(a.initials).toEqual(expect.arrayContaining(['cvhg', 'cvh']));
    expect(searchKeys(a)).toContain('#cvh');
  });
});

describe('pairFeatures', () => {
  it('counts a transposition as one edit, and computes pg_trgm similarity', () => {
    expect(editDistance('trelan', 'terlan')).toBe(1);
    expect(trigramSimilarity('word', 'word')).toBe(1);
    expect(trigramSimilarity('abc', 'xyz')).toBe(0);
  });

  it('weighs a shared crowded word less than a shared coined word (dominant portion)', () => {
    const crowded = features('GOLDEN OWL', 'GOLDEN HARBOR', { distinctiveness: (w) => distinctivenessFromCount(w, w === 'golden' ? 5000 : 1) });
    const coined = features('ZORBLAX OWL', 'ZORBLAX HARBOR', { distinctiveness: (w) => distinctivenessFromCount(w, 1) });
    expect(crowded.values.dominantShared).toBeLessThan(coined.values.dominantShared);
    expect(crowded.values.wordCoverage).toBeLessThan(coined.values.wordCoverage);
  });

  it('flags short marks one letter apart, initials, containment and reordering', () => {
    expect(features('KRIV', 'KRIX').values.shortOneLetter).toBe(1);
    expect(features('QRT', 'QUINCY RIVER TRADING').values.initials).toBe(1);
    expect(features('MILLBECK PET SUPPLY', 'MILLBECK').values.contains).toBeGreaterThan(0);
    expect(features('FROST PEAK', 'PEAK FROST').values.reordered).toBe(1);
  });

  it('sets the class features; the status is no feature (it scales the probability)', () => {
    const f = features('ORBIT', 'ORBIT', { relation: 'unrelated', live: false });
    expect(f.values).toEqual(expect.objectContaining({ classUnrelated: 1, classSame: 0, unrelatedSimilar: 1 }));
    expect(f.values).toEqual(features('ORBIT', 'ORBIT', { relation: 'unrelated', live: true }).values);
  });

  it('compares an initialism with the words it abbreviates, not letter by letter with the longer mark', () => {
    const short = features('SP', 'SUN PINE');
    const long = features('SP', 'SILVERADO PINECONE');
    expect(short.values.initials).toBe(1);
    expect(short.values).toEqual(long.values);
    expect(short.values.appearance).toBe(0);
    expect(short.values.sound).toBe(0);
    expect(features('SILVERADO PINECONE FOODS', 'SP').values).toEqual(expect.objectContaining({ initials: 1, appearance: 0, sound: 0 }));
  });

  it('reads an initialism as the whole mark or the mark less its last word, never skipping an inner word', () => {
    expect(features('CVH', 'CEDAR VALLEY HEALTH GROUP').values.initials).toBe(1);
    expect(features('SILVER PINE ORGANICS', 'SP').values.initials).toBe(1);
    expect(features('SILVER PINE ORGANICS', 'SO').values.initials).toBe(0);
    expect(features('FB', 'FOREST MOON BREWING').values.initials).toBe(0);
  });
});

describe('explain', () => {
  it('gives one reason kind per signal', () => {
    expect(reasonKinds('ORBIT', 'ORBIT')).toEqual(['identical', 'same-class']);
    expect(reasonKinds('LUPO', 'WOLF')).toContain('means-the-same');
    expect(reasonKinds('QRT', 'QUINCY RIVER TRADING')).toContain('initials');
    expect(reasonKinds('GLOWMOTH', 'GLOW MOTH')).toContain('identical');
    expect(reasonKinds('MILLBECK PET SUPPLY', 'MILLBECK')).toContain('contains');
    expect(reasonKinds('ZEBRAFLUX', 'KWIK')).toHaveLength(2);
  });
});
