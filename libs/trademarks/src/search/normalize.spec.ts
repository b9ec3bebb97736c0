import { normalizeMark, phoneticCode, phoneticKeys, singularWord } from './normalize';

describe('normalizeMark', () => {
  it.each([
    ['Café Olé', 'cafe ole'],
    ['  QUICK   mart ', 'quick mart'],
    ["McDonald's", 'mcdonalds'],
    ['Ben & Jerry', 'ben and jerry'],
    ['Ben AND Jerry', 'ben and jerry'],
    ['FOUR SEASONS', '4 seasons'],
    ['For Seasons', '4 seasons'],
    ['4 Seasons', '4 seasons'],
    ['Acme, Inc.', 'acme'],
    ['Acme Widgets LLC', 'acme widgets'],
    ['Smith & Co.', 'smith'],
    ['Acme Corp Ltd', 'acme'],
    ['KWIK-E-MART', 'kwik e mart'],
    ['Straße', 'strasse'],
    ['CO OP FOODS', 'co op foods'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeMark(input)).toBe(expected);
  });

  it('keeps a mark that is only a legal word rather than emptying it', () => {
    expect(normalizeMark('Company')).toBe('company');
  });

  it('returns an empty string for text without letters or digits', () => {
    expect(normalizeMark(' --- ')).toBe('');
  });
});

describe('phoneticCode', () => {
  it.each([
    ['QUICK', 'KWIK'],
    ['PHOTON', 'FOTON'],
    ['KNIGHT', 'NIGHT'],
    ['SCHOOL', 'SKOOL'],
    ['XEROX', 'ZEROX'],
    ['LUCKY', 'LUCKEE'],
    ['WISE', 'WYZE'],
  ])('%s sounds like %s', (a, b) => {
    expect(phoneticCode(a)).toBe(phoneticCode(b));
  });

  it.each([
    ['APPLE', 'ORANGE'],
    ['NIKE', 'MIKE'],
  ])('%s does not sound like %s', (a, b) => {
    expect(phoneticCode(a)).not.toBe(phoneticCode(b));
  });

  it('offers K for CH and T for TH as the alternate reading', () => {
    expect(phoneticCode('CHROME', true)).toBe(phoneticCode('KROME'));
    expect(phoneticCode('THOMPSON', true)).toBe('TMPSN');
  });
});

describe('singularWord', () => {
  it.each([
    ['marks', 'mark'],
    ['berries', 'berry'],
    ['glass', 'glass'],
    ['bus', 'bus'],
  ])('%s -> %s', (a, b) => expect(singularWord(a)).toBe(b));
});

describe('phoneticKeys', () => {
  it('gives a key per distinctive word, so one shared word is enough to meet', () => {
    const quick = phoneticKeys('QUICK');
    const kwikRewards = phoneticKeys('KWIK REWARDS');
    expect(quick.some((k) => kwikRewards.includes(k))).toBe(true);
  });

  it('is plural-insensitive and ignores stop words', () => {
    expect(phoneticKeys('MARKS')).toContain(phoneticKeys('MARK')[0]);
    expect(phoneticKeys('THE MARK')).toEqual(phoneticKeys('MARK'));
  });

  it('adds the words written together and is deterministic', () => {
    expect(phoneticKeys('KWIK E MART')).toContain(phoneticCode('KWIKEMART'));
    expect(phoneticKeys('Green Living')).toEqual(phoneticKeys('GREEN LIVING'));
  });

  it('returns no keys for empty text', () => {
    expect(phoneticKeys('')).toEqual([]);
  });
});

describe('meaning and initials keys', () => {
  it('adds the English concept of foreign words and synonyms, and initials', () => {
    expect(phoneticKeys('SOL')).toContain('=sun');
    expect(phoneticKeys('SUN')).toContain('=sun');
    expect(phoneticKeys('Tiny Things')).toContain('=small');
    expect(phoneticKeys('Northern Bay Wealth LLC')).toContain('#nbw');
    expect(phoneticKeys('NBW')).toContain('#nbw');
  });
});
