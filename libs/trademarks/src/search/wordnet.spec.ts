import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeSynonyms, isKnownWord, wordnetDictPath } from './wordnet';

describe('WordNet close synonyms', () => {
  it('gives the other lemmas of the first sense as a noun and as an adjective', () => {
    expect(closeSynonyms('quick')).toContain('speedy');
    expect(closeSynonyms('swift')).toContain('fleet');
    expect(closeSynonyms('tiny')).toEqual(expect.arrayContaining(['diminutive', 'petite']));
    expect(closeSynonyms('summit')).toEqual(expect.arrayContaining(['acme', 'peak', 'pinnacle']));
  });

  it('leaves out the word itself, lemmas of several words and rare senses', () => {
    expect(closeSynonyms('quick')).not.toContain('quick');
    for (const synonyms of [closeSynonyms('quick'), closeSynonyms('house'), closeSynonyms('gold')]) {
      for (const s of synonyms) expect(s).toMatch(/^[a-z]{3,}$/);
    }
    // FAST's first adjective sense stands alone; its rarer senses (FIRM, DISSOLUTE ...) are not close.
    expect(closeSynonyms('fast')).not.toContain('dissolute');
  });

  it('knows nothing of coined words, numerals or other scripts', () => {
    expect(closeSynonyms('zebraflux')).toEqual([]);
    expect(closeSynonyms('4')).toEqual([]);
    expect(closeSynonyms('')).toEqual([]);
    expect(isKnownWord('zebraflux')).toBe(false);
  });

  it('finds every one-word lemma of the index files (binary search over the sorted files)', () => {
    const dict = wordnetDictPath();
    let checked = 0;
    for (const pos of ['noun', 'adj']) {
      const lemmas = readFileSync(join(dict, `index.${pos}`), 'latin1')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith(' '))
        .map((line) => line.split(' ')[0] as string);
      // Every 7th lemma, and the first and last, to keep the spec fast.
      for (const [i, lemma] of lemmas.entries()) {
        if (i % 7 !== 0 && i !== 0 && i !== lemmas.length - 1) continue;
        expect([lemma, isKnownWord(lemma)]).toEqual([lemma, true]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15_000);
  });
});
