import { AGENT_LEX_FILES, baseForms, coordinateTerms, derivedForms, hasLemma, hypernymLevels, senseDerivations, senseLemmas, senseLexFiles, tagCounts } from './wordnet';

describe('WordNet base forms, senses and hypernyms', () => {
  it('finds base forms by the detachment rules, the word first when it is a lemma itself', () => {
    expect(baseForms('noun', 'boxes')).toEqual(['box']);
    expect(baseForms('noun', 'mattresses')).toEqual(['mattress']);
    expect(baseForms('verb', 'roasted')).toEqual(expect.arrayContaining(['roast']));
    expect(baseForms('noun', 'rings')[0]).toBe('rings');
    expect(baseForms('noun', 'rings')).toContain('ring');
    expect(baseForms('noun', 'zebrafluxes')).toEqual([]);
  });

  it('gives the lemmas of a sense and its hypernyms level by level', () => {
    expect(senseLemmas('noun', 'cafe')).toEqual(expect.arrayContaining(['coffeehouse', 'coffee_shop']));
    const levels = hypernymLevels('noun', 'sneaker', 1, 2);
    expect(levels[0]).toContain('shoe');
    expect(levels[1]).toContain('footwear');
    expect(hypernymLevels('noun', 'zebraflux')).toEqual([]);
  });

  it('reads synsets whose data line is longer than the read buffer', () => {
    // PERSON's synset lists hundreds of hyponym pointers (a line of several kilobytes).
    expect(hypernymLevels('noun', 'person', 1, 1)[0]).toEqual(expect.arrayContaining(['organism']));
    expect(hasLemma('noun', 'person')).toBe(true);
  });
});

describe('WordNet relations', () => {
  it('derived forms follow the lemma own derivation pointers, across parts of speech', () => {
    expect(derivedForms('noun', 'cleaner')).toContain('clean');
    expect(derivedForms('noun', 'printer')).toContain('print');
    expect(derivedForms('noun', 'zebraflux')).toEqual([]);
    expect(derivedForms('noun', 'cleaner')).not.toContain('cleaner');
  });

  it('derivations carry the sense they come from: a planter is linked to plant only as a pot, a cleaner as a person', () => {
    expect(senseLexFiles('noun', 'planter')).toEqual([18, 18, 6]);
    expect(senseDerivations('noun', 'planter')).toEqual([{ word: 'plant', pos: 'verb', lexFile: 6, sense: 3 }]);
    const cleaner = senseDerivations('noun', 'cleaner').filter((d) => d.pos === 'verb' && AGENT_LEX_FILES.has(d.lexFile));
    expect(cleaner.map((d) => d.word)).toContain('clean');
    expect(senseDerivations('noun', 'zebraflux')).toEqual([]);
    expect(senseLexFiles('noun', 'zebraflux')).toEqual([]);
  });

  it('tag counts tell the usual reading of a word that is a noun and an adjective', () => {
    const electric = tagCounts('electric');
    expect(electric.adj).toBeGreaterThan(0);
    expect(electric.noun).toBe(0);
    const metal = tagCounts('metal');
    expect(metal.noun).toBeGreaterThan(metal.adj);
    // A lemma that is a prefix of others (dog, dogwood) counts its own senses only.
    expect(tagCounts('dog').noun).toBeGreaterThan(0);
    expect(tagCounts('dog').adj).toBe(0);
    expect(tagCounts('zebraflux')).toEqual({ noun: 0, verb: 0, adj: 0, adv: 0 });
  });

  it('coordinate terms are siblings under the first sense hypernym, never the word or its synonyms', () => {
    const river = coordinateTerms('river');
    expect(river).toEqual(expect.arrayContaining(['brook', 'creek']));
    expect(river).not.toContain('river');
    expect(coordinateTerms('river', 2)).toHaveLength(2);
    expect(coordinateTerms('zebraflux')).toEqual([]);
    expect(coordinateTerms('coffee')).not.toContain('java');
  });
});
