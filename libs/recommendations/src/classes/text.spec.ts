import { clauses, closesObjectList, compoundParts, contentLemmas, coordination, EXPANSION_WEIGHTS, expansions, features, HEAD_WEIGHT, heads, isQualifier, lemma, normalizeText, readsAsModifier, splitNegated, tokenize, UNKNOWN_WORD_BOOST, makesItsObject, verbActivities, verbActivity } from './text';

describe('Nice recommender text features', () => {
  it('tokenizes to lower-case ASCII words, accents removed, punctuation a separator', () => {
    expect(normalizeText('Cafés & CRÊPES, 24/7!')).toBe('cafes crepes 24 7');
    expect(tokenize('  ')).toEqual([]);
    expect(tokenize('roll-out awnings')).toEqual(['roll', 'out', 'awnings']);
  });

  it('lemmatizes plurals and inflected verbs to one base form, the same for terms and descriptions', () => {
    expect(lemma('mattresses')).toBe('mattress');
    expect(lemma('boxes')).toBe('box');
    expect(lemma('roasted')).toBe('roast');
    expect(lemma('handymen')).toBe('handyman');
    expect(lemma('wigs')).toBe('wig');
    // Unknown to WordNet: only a plural s goes.
    expect(lemma('kombuchas')).toBe('kombucha');
    expect(lemma('glass')).toBe('glass');
  });

  it('drops function words and the small talk of a business describing itself', () => {
    expect(contentLemmas('We sell our hand-made soaps to customers')).toEqual(['hand', 'soap']);
  });

  it('expands a word absent from the list with WordNet synonyms and hypernyms at lower weights', () => {
    const sneaker = new Map(expansions('sneaker'));
    // SHOE: the hypernym (0.4) and a part of the synonym GYM_SHOE (0.5); the higher weight stays.
    expect(sneaker.get('shoe')).toBeCloseTo(0.5);
    expect(sneaker.get('footwear')).toBeCloseTo(0.2);
    expect(new Map(expansions('cafe')).get('restaurant')).toBeCloseTo(0.4);
    expect(expansions('kieselgur')).toEqual([]);
    // A word WordNet does not know that reads as a closed compound reaches its parts (zebra, flux).
    expect(new Map(expansions('zebraflux')).get('flux')).toBeCloseTo(EXPANSION_WEIGHTS.derived);
  });

  it('reaches the activity from the agent noun through WordNet derivations (cleaner -> clean)', () => {
    expect(new Map(expansions('cleaner')).get('clean')).toBeCloseTo(0.8);
    expect(new Map(expansions('printer')).get('print')).toBeCloseTo(0.8);
  });

  it('reaches the activity noun the services are listed by from an agent noun (dry cleaner -> dry cleaning)', () => {
    // Through the agent's verb (CLEANER -> clean -> cleaning), else the -er -> -ing form WordNet knows.
    expect(new Map(expansions(lemma('cleaner'))).get(lemma('cleaning'))).toBeCloseTo(EXPANSION_WEIGHTS.activity);
    expect(new Map(expansions(lemma('groomer'))).get(lemma('grooming'))).toBeCloseTo(EXPANSION_WEIGHTS.activity);
    expect(new Map(expansions(lemma('landscaper'))).get(lemma('landscaping'))).toBeCloseTo(EXPANSION_WEIGHTS.activity);
    // Only agent nouns: a thing or an activity is not expanded to another activity.
    expect(new Map(expansions(lemma('cleaning'))).has('cleaning')).toBe(false);
    expect([...new Map(expansions(lemma('repair'))).keys()].some((k) => k.endsWith('ing') && k.startsWith('repair'))).toBe(false);
  });

  it('reads a noun in -er as an agent of its activity only when WordNet has it as one (planter: a pot, not planting)', () => {
    // PLANTER's person senses link no verb; the verb plant is linked to `a decorative pot` only.
    const planter = new Map(expansions(lemma('planters')));
    expect(planter.has(lemma('planting'))).toBe(false);
    expect(features('concrete planters', true).has(lemma('planting'))).toBe(false);
    // ROASTER is also `a cook who roasts food`: an agent, so roasting stays.
    expect(new Map(expansions(lemma('roaster'))).get(lemma('roasting'))).toBeCloseTo(EXPANSION_WEIGHTS.activity);
    // A device in -er (HEATER) is no heating by its form either.
    expect(new Map(expansions(lemma('heater'))).has(lemma('heating'))).toBe(false);
  });

  it("does not expand a verb to its agent or instrument: what a business does is a service, not the tool (print -> printing, not printer)", () => {
    const print = new Map(expansions(lemma('print')));
    expect(print.get('printing')).toBeCloseTo(EXPANSION_WEIGHTS.derived);
    expect(print.has('printer')).toBe(false);
    expect(new Map(expansions(lemma('open'))).has('opener')).toBe(false);
  });

  it('keeps what a negation governs apart: the goods are not that (fences, not of metal; non-electric kettles)', () => {
    expect(splitNegated('fences, not of metal')).toEqual({ words: ['fence'], negated: ['metal'] });
    expect(splitNegated('non-electric kettles')).toEqual({ words: ['kettle'], negated: ['electric'] });
    expect(splitNegated('salt for preserving, other than for foodstuffs')).toEqual({ words: ['salt', 'preserve'], negated: ['foodstuff'] });
    expect(splitNegated('concrete preservatives, except paints and oils').negated).toEqual(['paint', 'oil']);
    // The negation ends with its phrase.
    expect(splitNegated('not of metal, garden fences')).toEqual({ words: ['garden', 'fence'], negated: ['metal'] });
    const fences = features('fences, not of metal', false);
    expect(fences.get('n:metal')).toBe(1);
    expect(fences.has('metal')).toBe(false);
    expect(heads('fences, not of metal')).toEqual(['fence']);
    expect(heads('non-electric kettles')).toEqual(['kettle']);
  });

  it('carries a prefix stem for long words, full weight in a term, lower in a description', () => {
    expect(features('architectural services', false).get('p:archi')).toBe(1);
    expect(features('architect', true).get('p:archi')).toBe(0.5);
    // Short words carry none.
    expect([...features('oil', true).keys()].some((k) => k.startsWith('p:'))).toBe(false);
  });

  it('gives the text words weight 1, adjacent pairs as bigrams, the head its weight, expansions only when asked', () => {
    const plain = features('olive oil', false);
    expect([...plain.entries()]).toEqual([
      ['olive', 1],
      ['b:olive_oil', 1],
      ['oil', 1],
      ['h:oil', HEAD_WEIGHT],
    ]);
    expect(features('olive oils', false).has('b:olive_oil')).toBe(true);
    const expanded = features('sneakers', true);
    expect(expanded.get('sneaker')).toBe(1);
    expect(expanded.get('shoe')).toBeLessThan(1);
  });

  it('splits a description into clauses at punctuation and joining words', () => {
    expect(clauses('we roast coffee and run two cafés')).toEqual(['we roast coffee', 'run two cafés']);
    expect(clauses('drum kits, plus drum lessons')).toEqual(['drum kits', 'drum lessons']);
  });

  it('keeps the qualifiers of an official term in its clause: a comma inside a term is no clause break', () => {
    expect(clauses('blenders, electric, for household purposes')).toEqual(['blenders, electric, for household purposes']);
    expect(clauses('signs, non-luminous and non-mechanical, of metal')).toEqual(['signs, non-luminous and non-mechanical, of metal']);
    expect(clauses('toner cartridges, filled, for printers')).toEqual(['toner cartridges, filled, for printers']);
    expect(clauses('screwdrivers, non-electric')).toEqual(['screwdrivers, non-electric']);
    expect(clauses('software, namely games')).toEqual(['software, namely games']);
    expect(clauses('sewing thread, sold wholesale to factories')).toEqual(['sewing thread, sold wholesale to factories']);
    // Terms joined in one description still part where each begins.
    expect(clauses('lamps, electric and fences, not of metal, plus rental of boats')).toEqual(['lamps, electric', 'fences, not of metal', 'rental of boats']);
    expect(clauses('fish, live - aquarium tanks too')).toEqual(['fish, live', 'aquarium tanks too']);
    // Goods after a comma, or a clause with its own subject, are clauses of their own.
    expect(clauses('cat litter, grain free cat food and catnip toys')).toEqual(['cat litter', 'grain free cat food', 'catnip toys']);
    expect(clauses('hookah lounge, we also sell hookahs')).toEqual(['hookah lounge', 'sell hookahs']);
    expect(clauses('coffee beans, in our cafe we serve breakfast')).toEqual(['coffee beans', 'in our cafe we serve breakfast']);
  });

  it('distributes a coordination inside a phrase instead of splitting it: shared heads, shared tails, second objects', () => {
    // A modifier coordinated before a shared head (`flea and tick drops` = flea drops + tick drops).
    expect(clauses('flea and tick drops')).toEqual(['flea drops', 'tick drops']);
    expect(clauses('clock and watch repair')).toEqual(['clock repair', 'watch repair']);
    expect(clauses('we design and build custom websites')).toEqual(['we design custom websites', 'build custom websites']);
    // A head of its own sharing what follows (`apparatus and instruments for physics`): alone, and with the tail.
    expect(clauses('apparatus and instruments for physics')).toEqual(['apparatus', 'apparatus for physics', 'instruments for physics']);
    // A second object of the same preposition.
    expect(clauses('starters for motors and engines')).toEqual(['starters for motors', 'starters for engines']);
    expect(clauses('pasteurising of food and beverages')).toEqual(['pasteurising of food', 'pasteurising of beverages']);
    // Coordinated adjectives of one phrase stay in it.
    expect(clauses('online retail services for downloadable and pre-recorded music')).toEqual(['online retail services for downloadable and pre-recorded music']);
    // Two phrases of their own still part: a clause with its verb, a plural noun (goods of its own), a term's qualifiers.
    expect(clauses('we roast coffee and run two cafés')).toEqual(['we roast coffee', 'run two cafés']);
    expect(clauses('mattresses and solid wood bed frames')).toEqual(['mattresses', 'solid wood bed frames']);
    expect(clauses('floors, not of metal and knives')).toEqual(['floors, not of metal', 'knives']);
    expect(clauses('hardware and software')).toEqual(['hardware', 'software']);
    expect(coordination('flea', 'and', ' tick drops')).toBe('shared-head');
    expect(coordination('maize, roasted', 'and', ' fiberglass thread')).toBeUndefined();
    expect(coordination('pistols [arms]', 'and', ' wallpaper removing preparations')).toBeUndefined();
    expect(coordination('fences', ',', ' gates of wood')).toBeUndefined();
  });

  it('reads a comma list of single words closed by and/or after a preposition as its objects (for agriculture, aquaculture and forestry)', () => {
    expect(clauses('speed governors for machines, engines and motors')).toEqual(['speed governors for machines', 'speed governors for engines', 'speed governors for motors']);
    expect(heads('statues of stone, concrete or marble')).toEqual(['statue']);
    expect(heads('vermin exterminating for agriculture, aquaculture, horticulture and forestry')).toEqual(['exterminate']);
    // A comma that parts goods stays a break: no conjunction closes the list.
    expect(clauses('anti-roll cushions for babies, rubidium')).toEqual(['anti-roll cushions for babies', 'rubidium']);
    expect(closesObjectList(['for machines', ',', ' engines', 'and', ' motors'], 1)).toBe(true);
    expect(closesObjectList(['for babies', ',', ' rubidium'], 1)).toBe(false);
  });

  it('gives a coordinated phrase the heads and bigrams it means (flea and tick drops: head drop, flea drops)', () => {
    expect(heads('flea and tick drops')).toEqual(['drop']);
    expect(heads('starters for motors and engines')).toEqual(['starter']);
    // Two activities of one object: both heads.
    expect(heads('arranging and conducting of concerts')).toEqual(['arranging', 'conducting']);
    expect(features('flea and tick drops', false).has('b:flea_drop')).toBe(true);
    expect(features('starters for motors and engines', false).has('b:starter_engine')).toBe(true);
  });

  it('reads a closed compound WordNet does not know as a kind of its last part (smartphone: a phone)', () => {
    expect(compoundParts('kickbike')).toEqual(['kick', 'bike']);
    expect(compoundParts('turbocompressor')).toEqual(['turbo', 'compressor']);
    expect(new Map(expansions('smartphone')).get('phone')).toBeCloseTo(EXPANSION_WEIGHTS.derived);
    // Words WordNet knows are not split, and neither are words with no known last part.
    expect(compoundParts('wallpaper')).toBeUndefined();
    expect(compoundParts('kieselgur')).toBeUndefined();
    expect(compoundParts('kombucha')).toBeUndefined();
  });

  it('splits at a dash between words, not at the hyphen of a compound', () => {
    expect(clauses('clip-in hair extensions and wigs')).toEqual(['clip-in hair extensions', 'wigs']);
    expect(clauses('hand tools - hammers, wrenches')).toEqual(['hand tools', 'hammers', 'wrenches']);
    expect(clauses('coworking space \u2013 private offices')).toEqual(['coworking space', 'private offices']);
  });

  it('tells a qualifier from a phrase that names goods: adjectives and participles, negations, a preposition after a comma', () => {
    expect(readsAsModifier('electric')).toBe(true); // adjective 16 tags, noun 0
    expect(readsAsModifier('metal')).toBe(false); // noun 21, adjective 5
    expect(readsAsModifier('filled')).toBe(true);
    expect(readsAsModifier('downloadable')).toBe(true); // unknown to WordNet, an adjective's suffix
    expect(readsAsModifier('lamps')).toBe(false);
    expect(readsAsModifier('kombucha')).toBe(false);
    expect(isQualifier(' hand-operated', ',')).toBe(true);
    expect(isQualifier(' not for medical purposes', ',')).toBe(true);
    expect(isQualifier(' for household purposes', ',')).toBe(true);
    // A preposition opens a qualifier only after a comma; after a clause separator it is a clause.
    expect(isQualifier(' for household purposes', ';')).toBe(false);
    expect(isQualifier(' for household purposes', 'and')).toBe(false);
    expect(isQualifier(' fresh pastries', ',')).toBe(false);
    expect(isQualifier(' electric', 'plus')).toBe(false);
  });

  it('finds the head noun of each phrase: what is offered, not what it is for', () => {
    expect(heads('swim school for toddlers')).toEqual(['school']);
    expect(heads('school bags')).toEqual(['bag']);
    expect(heads('knife sharpening')).toEqual(['sharpen']);
    expect(heads('rental of apartments')).toEqual(['rental']);
    // A generic "services" gives way to the word before it; bracketed glosses are left out.
    expect(heads('hookah lounge services')).toEqual(['lounge']);
    expect(heads('rings [jewellery]')).toEqual(['ring']);
    expect(heads('wallpaper, area rugs and curtains')).toEqual(['wallpaper', 'rug', 'curtain']);
    expect(features('swim school', false).get('h:school')).toBe(HEAD_WEIGHT);
    // A term's qualifiers have no head of their own.
    expect(heads('lamps, electric')).toEqual(['lamp']);
    expect(heads('blenders, electric, for household purposes')).toEqual(['blender']);
  });

  it('names a verb by the activity nouns the services are listed with (rent -> rental, renting; inspect -> inspection)', () => {
    expect(verbActivities('rent')).toEqual(expect.arrayContaining(['rental', 'renting']));
    expect(verbActivities('repair')).toEqual(['repair', 'repairing']);
    expect(verbActivities('inspect')).toContain('inspection');
    // Not the agent or the instrument; a verb with no act noun in WordNet still has its -ing form.
    expect(verbActivities('rent')).not.toContain('renter');
    expect(verbActivities('cater')).toEqual(['catering']);
    expect(verbActivities('plan')).not.toContain('planing');
  });

  it('reads a verb after a subject as the activity it names, its object the word after it (we rent boats = rental of boats)', () => {
    expect(verbActivity(tokenize('and we also rent boats'))).toEqual({ verb: 'rent', activities: expect.arrayContaining(['rental']), object: 'boat' });
    expect(verbActivity(tokenize('we professionally clean carpets'))?.activities).toContain('cleaning');
    // The small talk of selling says what the goods are, not an activity; no subject, no verb reading.
    expect(verbActivity(tokenize('we sell boats'))).toBeUndefined();
    expect(verbActivity(tokenize('we make candles'))).toBeUndefined();
    expect(verbActivity(tokenize('boat rentals'))).toBeUndefined();
    expect(heads('tempeh, and we rent boats')).toEqual(['tempeh', ...verbActivities('rent')]);
    expect(heads('we sell boats')).toEqual(['boat']);
    const f = features('we rent boats', false);
    expect(f.get('h:rental')).toBeCloseTo(HEAD_WEIGHT);
    expect(f.has('h:boat')).toBe(false);
    expect(f.get('b:rental_boat')).toBe(1);
    expect(f.get('rental')).toBeCloseTo(EXPANSION_WEIGHTS.derived);
  });

  it('tells the verbs that make or transform their object (roast, bake, brew, print) from those that act on what others own (rent, clean, organize)', () => {
    for (const verb of ['roast', 'bake', 'brew', 'print', 'build']) expect(makesItsObject(verb)).toBe(true);
    for (const verb of ['rent', 'clean', 'organize', 'inspect', 'teach', 'transport']) expect(makesItsObject(verb)).toBe(false);
    // WordNet files `repair` with the changes: the heads of the official terms tell it is a service (classifier.ts clauseKind).
    expect(makesItsObject('repair')).toBe(true);
  });

  it('closes up hyphenated compounds so that co-working meets coworking', () => {
    expect(features('rental of offices for co-working', false).has('coworking')).toBe(true);
    expect(features('coworking space', false).has('coworking')).toBe(true);
  });

  it('leans harder on the expansions of a word the official terms never use', () => {
    const known = features('vet', true, () => true).get('veterinarian')!;
    const unknown = features('vet', true, () => false).get('veterinarian')!;
    expect(known).toBeGreaterThan(0);
    expect(unknown).toBeCloseTo(Math.min(1, known * UNKNOWN_WORD_BOOST));
  });
});
