import { AGENT_LEX_FILES, baseForms, closeSynonyms, derivedForms, hasLemma, hypernymLevels, senseDerivations, senseLemmas, senseLexFiles, tagCounts } from '@app/common/language/wordnet';
import { LRUCache } from 'lru-cache';

/**
 * Text features of the Nice-class recommender: tokenization, lemmatization (WordNet base forms)
 * and expansion of a description's words with WordNet synonyms and hypernyms so that words the
 * alphabetical list does not use ("sneakers") reach the terms that cover them ("shoes").
 */

/**
 * Version of the feature extraction below (and of the artifact's format): part of the artifact,
 * so that an artifact trained by an older extraction is retrained instead of being scored with
 * features it was not built from. 7: WordNet compounds expanded, hyphenated compounds' pieces
 * out of term coverage, the calibration takes the score relative to the first suggestion. 8: an
 * agent noun (`cleaner`, `groomer`) is expanded to its activity (`cleaning`, `grooming`), a verb
 * no longer to its agent (`print` -> printer), and negated words are features of their own (`n:metal`).
 * 9: the same features, the calibration also fitted on held-out indications (an artifact of 8
 * would keep the old one). 10: a noun in -er reaches an activity only as an agent (`planter`, a pot,
 * is no longer read as planting). 11: a qualifier after a comma (`lamps, electric`, `blenders,
 * electric, for household purposes`) has no head of its own and stays in its term's clause; a
 * hyphen inside a word (`non-electric`, `clip-in`) no longer splits clauses. 12: a coordination
 * inside a phrase is distributed, not split (`flea and tick drops` = flea drops + tick drops,
 * `starters for motors and engines` = starters for motors + starters for engines): the clauses,
 * heads and bigrams of terms and descriptions follow it (see coordination); a closed compound
 * WordNet does not know (`smartphone`, `turbocompressor`) reaches its last part (compoundParts).
 * 13: the same features; the artifact also holds the prior of a class (the API's floor). 14: a
 * text's scores are scaled by their share of its best (classifier.ts), so the calibration is refitted.
 * 15: a negation the text shares with a term covers it (`fences, not of metal`), calibration refitted.
 * 16: the explanatory notes' "includes" items are in the BM25 index too (model.ts). 17: a verb after a
 * subject (`we rent boats`) is read as its activity (`rental of boats`): the activity nouns are
 * the head and form the bigrams with the object (verbActivity). 18: the same features; in such a
 * clause of a description with several the goods classes are scaled down (classifier.ts), so the
 * calibration is refitted. 19: the artifact holds the kind of offer a head names in the official
 * data (model.ts headKinds); a clause with such a head scales the other kind down as 18 does.
 * 20: a verb that makes or transforms its object (`we roast coffee`) no longer makes its clause
 * a service (makesItsObject); its activity heads may (classifier.ts clauseKind); refitted.
 * 21: the artifact holds a linear model (softmax regression over these features, model.ts
 * `linear`) that weighs a clause's classes (classifier.ts LINEAR_POWER); refitted.
 */
export const FEATURES_VERSION = 21;

/** Function words and the small talk of a business describing itself; they carry no class. */
const STOPWORDS = new Set(
  (
    'a an the and or but nor of for to in on at by with from into onto as is are was were be been being ' +
    'we our us ours i my me you your they their them it its this that these those there here who whom which what ' +
    'do does did done doing have has had having will would can could shall should may might must ' +
    'also plus just only very really so too not no all any some more most other such own same than then ' +
    'about over under out up down off again once per via etc like e g ie eg ' +
    'sell sold selling offer offering provide providing run running make making made do business company ' +
    'shop store customer customers client clients people someone anyone thing things stuff kind lot lots ' +
    'small two three one new good best great well back help want deal'
  ).split(' '),
);

/** Lower case, accents removed, anything but letters and digits a separator. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Lower case, accents removed, hyphens kept (for closing up hyphenated compounds). */
function normalizeHyphens(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * The lemmas of the pieces of a text's hyphenated compounds (`co-working` -> co, work): the
 * closed-up compound (`coworking`) stands for them, so coverage counts it once, not three times.
 */
export function hyphenPieces(text: string): string[] {
  const out = new Set<string>();
  for (const m of normalizeHyphens(text).matchAll(/\b([a-z]+)-([a-z]+)\b/g)) {
    if (isStopword(lemma(m[1]! + m[2]!))) continue;
    for (const piece of [m[1]!, m[2]!]) if (!isStopword(piece)) out.add(lemma(piece));
  }
  return [...out];
}

/** The words of a text, in order, stopwords included (the bigrams need the positions). */
export function tokenize(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word) || word.length < 2 || /^\d+$/.test(word);
}

/** Bounded: descriptions are user input, and an unbounded map of every word ever seen would grow for as long as the process runs. */
const lemmaCache = new LRUCache<string, string>({ max: 100_000 });

/**
 * One canonical base form per word: a noun's singular (`mattresses` -> `mattress`), else a
 * verb's base (`roasted` -> `roast`), else an adjective's; a word WordNet does not know loses a
 * plural `s` only. The same function runs over the official terms and over descriptions.
 */
export function lemma(word: string): string {
  const cached = lemmaCache.get(word);
  if (cached !== undefined) return cached;
  let result = word;
  const nouns = baseForms('noun', word);
  // A plural that is also a lemma of its own (`rings`, `glasses`) reads as the plural first.
  const nounBase = nouns.find((n) => n !== word) ?? nouns[0];
  if (nounBase && !(word.endsWith('ing') && baseForms('verb', word).length > 0 && nouns[0] !== word)) result = nounBase;
  else {
    const verbs = baseForms('verb', word);
    const adjs = baseForms('adj', word);
    if (verbs[0]) result = verbs[0];
    else if (adjs[0]) result = adjs[0];
    else if (word.length > 4 && word.endsWith('s') && !word.endsWith('ss')) result = word.slice(0, -1);
  }
  lemmaCache.set(word, result);
  return result;
}

/** The content lemmas of a text, in order. */
export function contentLemmas(text: string): string[] {
  return tokenize(text)
    .filter((w) => !isStopword(w))
    .map(lemma);
}

/** Words that open a negated phrase: what follows in the phrase is what the goods are not. */
const NEGATIONS = new Set(['not', 'non', 'except', 'without', 'excluding']);

/**
 * The content lemmas of a text, in order, apart from those a negation governs (`fences, not of
 * metal`, `non-electric kettles`, `other than for medical purposes`): a negation runs to the end
 * of its phrase (a comma, semicolon or bracket), except `non`, which negates the next word only.
 * The negated lemmas are features of their own (`n:metal`): `fences, not of metal` must not
 * match `metal` as `fences of metal` does.
 */
export function splitNegated(text: string): { words: string[]; negated: string[] } {
  const words: string[] = [];
  const negated: string[] = [];
  for (const phrase of text.split(/[,;()[\]]/)) {
    const tokens = tokenize(phrase);
    let scope = false;
    let next = false;
    tokens.forEach((t, i) => {
      if (NEGATIONS.has(t) || (t === 'other' && tokens[i + 1] === 'than')) {
        if (t === 'non') next = true;
        else scope = true;
        return;
      }
      if (isStopword(t)) return;
      if (scope || next) negated.push(lemma(t));
      else words.push(lemma(t));
      next = false;
    });
  }
  return { words, negated };
}

/** Weights of the expansions, relative to a word the text itself uses (1). */
export const EXPANSION_WEIGHTS = { derived: 0.8, activity: 0.64, synonym: 0.5, hypernym1: 0.4, hypernym2: 0.2 } as const;

/**
 * A description word the official terms never use (`vet`, `kombucha`) carries no evidence of its
 * own, so its expansions stand in for it at this multiple of their weights (at most 1).
 */
export const UNKNOWN_WORD_BOOST = 1.5;

/**
 * Weight of a description's head nouns (`h:school`) beside its words: a term whose head is the
 * description's head (`nursery schools` for `swim school`) outranks one that only mentions it
 * (`school bags`). In a term the head is one more feature of the BM25 index (not of naive Bayes).
 */
export const HEAD_WEIGHT = 0.4;

/**
 * Word stems as character prefixes (`p:archi` for architect, architecture, architectural), so
 * that derived words WordNet does not link still meet: words longer than PREFIX_LENGTH letters
 * carry their first PREFIX_LENGTH letters, at PREFIX_WEIGHT in a description (1 in a term); the
 * naive Bayes part uses them, the BM25 index does not (model.ts).
 */
export const PREFIX_LENGTH = 5;
export const PREFIX_WEIGHT = 0.5;

/** WordNet expansions of a lemma: close synonyms and hypernyms of its first noun (else verb) sense. */
export function expansions(word: string): Array<[string, number]> {
  const cached = expansionCache.get(word);
  if (cached) return cached;
  const out = new Map<string, number>();
  // A lemma of several words counts by its head, the last word (GYM_SHOE: a shoe, not a gym).
  const add = (raw: string, weight: number): void => {
    const head = raw.split(/[_\s-]+/).pop() ?? '';
    if (head === '' || isStopword(head)) return;
    const l = lemma(head);
    if (l === word) return;
    out.set(l, Math.max(out.get(l) ?? 0, weight));
  };
  // A closed compound WordNet does not know (`turbocompressor`, `kickbike`) is a kind of its last
  // part: both parts known words, the longest last part first.
  const compound = compoundParts(word);
  if (compound) {
    add(compound[1], EXPANSION_WEIGHTS.derived);
    add(compound[0], EXPANSION_WEIGHTS.hypernym1);
  }
  const pos = baseForms('noun', word).length > 0 ? 'noun' : 'verb';
  // Derivationally related forms: the agent noun's activity (CLEANER -> clean, PRINTER -> print).
  // Not a verb's agent or instrument (open -> opener, print -> printer): a description's verb says
  // what the business does, a service, not the tool it does it with.
  for (const d of derivedForms('noun', word)) add(d, EXPANSION_WEIGHTS.derived);
  for (const d of derivedForms('verb', word)) if (!/(?:er|or)$/.test(d)) add(d, EXPANSION_WEIGHTS.derived);
  // An agent (`cleaner`, `roaster`, `groomer`) is known by its activity (`cleaning`, `roasting`,
  // `grooming`), which is how the services are listed: the activity nouns of the agent's verb,
  // else the `-er` -> `-ing` form WordNet knows.
  if (word.length > 5 && /(?:er|or)$/.test(word)) {
    for (const verb of agentVerbs(word)) {
      for (const d of derivedForms('verb', verb)) if (d.endsWith('ing') || d.endsWith('ion')) add(d, EXPANSION_WEIGHTS.activity);
    }
    const activity = `${word.slice(0, -2)}ing`;
    if (word.endsWith('er') && onlyAgent(word) && (hasLemma('noun', activity) || baseForms('verb', activity).length > 0)) add(activity, EXPANSION_WEIGHTS.activity);
  }
  for (const s of [...closeSynonyms(word), ...senseLemmas(pos, word, 1)]) add(s, EXPANSION_WEIGHTS.synonym);
  const levels = hypernymLevels(pos, word, 1, 2);
  for (const h of levels[0] ?? []) add(h, EXPANSION_WEIGHTS.hypernym1);
  for (const h of levels[1] ?? []) add(h, EXPANSION_WEIGHTS.hypernym2);
  const result = [...out.entries()];
  expansionCache.set(word, result);
  return result;
}

/** Whether WordNet knows a word (any inflection) as a noun, verb or adjective. */
function knownWord(word: string): boolean {
  return baseForms('noun', word).length > 0 || baseForms('verb', word).length > 0 || baseForms('adj', word).length > 0;
}

/** The shortest part of a closed compound that counts (shorter pieces are too often chance words: `kie`, `gur`). */
const COMPOUND_PART = 3;

/** A compound's last part this long is its head even when WordNet does not know the first (`turbo`, `crypto`). */
const COMPOUND_HEAD = 5;

/**
 * A word WordNet does not know, read as a closed compound of two words it knows (`turbocompressor`
 * -> turbo, compressor; `kickbike` -> kick, bike): the split with the longest last part, which
 * must be a noun (the compound's head), the first part a word WordNet knows unless the last is
 * COMPOUND_HEAD letters or more. Undefined when there is none.
 */
export function compoundParts(word: string): [string, string] | undefined {
  if (word.length < 2 * COMPOUND_PART + 1 || !/^[a-z]+$/.test(word) || knownWord(word)) return undefined;
  for (let i = COMPOUND_PART; i <= word.length - COMPOUND_PART; i++) {
    const first = word.slice(0, i);
    const last = word.slice(i);
    if (baseForms('noun', last).length > 0 && !isStopword(first) && (knownWord(first) || last.length >= COMPOUND_HEAD)) return [lemma(first), lemma(last)];
  }
  return undefined;
}

/** Senses of a noun that count for reading it as an agent: WordNet's first two (the usual readings). */
const AGENT_SENSES = 2;

/**
 * The verbs whose doer a noun in -er/-or names: those WordNet links to the noun's person or group
 * senses among its first AGENT_SENSES (CLEANER `someone whose occupation is cleaning` -> clean,
 * ROASTER `a cook who roasts food` -> roast). Not the verbs it links only to a thing: a PLANTER
 * is `a decorative pot for house plants` (the verb plant), its person senses link no verb, so a
 * planter is no planting.
 */
function agentVerbs(noun: string): string[] {
  const verbs = senseDerivations('noun', noun).filter((d) => d.pos === 'verb' && d.sense <= AGENT_SENSES && AGENT_LEX_FILES.has(d.lexFile));
  return [...new Set(verbs.map((d) => d.word))];
}

/**
 * Whether a noun in -er is an agent and nothing else as far as WordNet knows: it has no sense
 * outside the person and group files (LANDSCAPER), or WordNet does not know it (GROOMER). Only
 * then is its activity guessed by its form (`-er` -> `-ing`) without a link: a PLANTER (also a
 * pot) or a HEATER (a device) is not read as planting or heating.
 */
function onlyAgent(noun: string): boolean {
  return senseLexFiles('noun', noun).every((file) => AGENT_LEX_FILES.has(file));
}

/** Expanded words: a description is expanded whole and clause by clause, and words recur across descriptions. */
const expansionCache = new LRUCache<string, Array<[string, number]>>({ max: 50_000 });

/**
 * The weighted features of a text: its lemmas (1), hyphenated compounds closed up (`co-working`
 * also gives `coworking`, 1), their prefixes (`p:archi`), adjacent lemma pairs (`b:olive_oil`,
 * 1), its head nouns (`h:school`, HEAD_WEIGHT) and, with `expand`, WordNet expansions of each
 * lemma and head (derived forms, synonyms, hypernyms) at their lower weights, higher for a word
 * `known` says the terms never use (UNKNOWN_WORD_BOOST).
 */
export function features(text: string, expand: boolean, known?: (lemma: string) => boolean): Map<string, number> {
  const { words, negated } = splitNegated(text);
  const out = new Map<string, number>();
  const add = (f: string, w: number): void => {
    out.set(f, Math.max(out.get(f) ?? 0, w));
  };
  for (const w of negated) add(`n:${w}`, 1);
  // A compound written with a hyphen in one text and closed up in another (co-working, coworking).
  for (const m of normalizeHyphens(text).matchAll(/\b([a-z]+)-([a-z]+)\b/g)) {
    const joined = lemma(m[1]! + m[2]!);
    if (!isStopword(joined)) add(joined, 1);
  }
  words.forEach((w, i) => {
    add(w, 1);
    if (w.length > PREFIX_LENGTH) add(`p:${w.slice(0, PREFIX_LENGTH)}`, expand ? PREFIX_WEIGHT : 1);
    const next = words[i + 1];
    if (next) add(`b:${w}_${next}`, 1);
  });
  // The pairs a coordination distributes (`flea and tick drops`: flea drops; `starters for motors
  // and engines`: starters for engines), as the phrase means them.
  if (/\b(?:and|or)\b|&/i.test(text)) {
    for (const clause of clauses(text)) {
      const inClause = splitNegated(clause).words;
      for (let i = 0; i + 1 < inClause.length; i++) add(`b:${inClause[i]}_${inClause[i + 1]}`, 1);
    }
  }
  // `we rent boats`: the activity is said as the terms say it (`rental of boats`: rental, b:rental_boat).
  for (const segment of text.split(/[,;:.!?()[\]]|\band\b/i)) {
    const said = verbActivity(tokenize(segment));
    if (!said) continue;
    for (const a of said.activities) {
      add(a, EXPANSION_WEIGHTS.derived);
      if (said.object) add(`b:${a}_${said.object}`, 1);
    }
  }
  if (expand) {
    for (const w of new Set(words)) {
      const boost = known && !known(w) ? UNKNOWN_WORD_BOOST : 1;
      for (const [e, weight] of expansions(w)) add(e, Math.min(1, weight * boost));
    }
    // Adjacent words that WordNet knows as one noun (`circular saw`, `throw pillow`, `cat
    // food`) mean more than their parts: the compound's own expansions (power tool, cushion,
    // pet food), at the weights of a word's.
    for (let i = 0; i + 1 < words.length; i++) {
      const compound = `${words[i]}_${words[i + 1]}`;
      if (hasLemma('noun', compound)) for (const [e, weight] of expansions(compound)) add(e, weight);
    }
  }
  for (const h of heads(text)) {
    add(`h:${h}`, HEAD_WEIGHT);
    if (expand) for (const [e, weight] of expansions(h)) add(`h:${e}`, HEAD_WEIGHT * weight);
  }
  return out;
}

/** Words between a subject and its verb that are not the verb (`we also rent`, `we can repair`, `we professionally clean`). */
const BEFORE_VERB = new Set(['also', 'just', 'only', 'can', 'could', 'will', 'would', 'shall', 'should', 'may', 'might', 'must', 'now', 'then', 'still', 'even', 'both', 'all', 'often', 'usually', 'mainly', 'mostly', 'really', 'too']);

/** A verb's activities, read (they recur across descriptions, arbitrary ones must not grow the cache without bound). */
const activityCache = new LRUCache<string, string[]>({ max: 50_000 });

/**
 * The nouns that name the activity of a verb, as the services are listed (`rent` -> rental,
 * renting; `repair` -> repair, repairing; `inspect` -> inspection, inspecting): the verb itself
 * and its WordNet derivations when one of their first two noun senses is an act (noun.act), and
 * its -ing form (the nominalization every verb has). Not its agent (renter) or its result.
 */
export function verbActivities(verb: string): string[] {
  const cached = activityCache.get(verb);
  if (cached) return cached;
  const isAct = (noun: string): boolean => senseLexFiles('noun', noun).slice(0, 2).includes(NOUN_ACT);
  const out: string[] = [];
  if (isAct(verb)) out.push(verb);
  for (const d of derivedForms('verb', verb, 3)) if (!out.includes(d) && /^[a-z]+$/.test(d) && isAct(d)) out.push(d);
  if (!out.some((a) => a.endsWith('ing'))) {
    const stem = verb.endsWith('e') && !verb.endsWith('ee') ? verb.slice(0, -1) : verb;
    const forms = [`${stem}ing`, `${verb}${verb.slice(-1)}ing`].filter((g) => baseForms('verb', g).includes(verb));
    const gerund = forms.find((g) => hasLemma('noun', g)) ?? forms[0];
    if (gerund) out.push(gerund);
  }
  activityCache.set(verb, out);
  return out;
}

/** WordNet's lexicographer files of the verbs that make or transform something (verb.creation, verb.change): `bake`, `brew`, `roast`, `print`. */
const MAKING_VERB_FILES: ReadonlySet<number> = new Set([36, 30]);

/**
 * Whether a verb's usual sense (WordNet's first) makes or transforms its object (`we roast
 * coffee`, `we brew beer`, `we print posters`): what such a business does may be the goods it
 * sells as well as a service, where `rent`, `clean`, `organize` act on what others own. WordNet
 * files some services with the changes (`repair`, `process`): for those the official terms'
 * heads decide (classifier.ts clauseKind).
 */
export function makesItsObject(verb: string): boolean {
  const first = senseLexFiles('verb', verb)[0];
  return first !== undefined && MAKING_VERB_FILES.has(first);
}

/** WordNet's lexicographer file of acts (noun.act): `rental`, `repair`, `inspection`, `cleaning`. */
const NOUN_ACT = 4;

/**
 * The verb a subject says the business does (`we rent boats`, `we also repair bikes`), as the
 * activities that name it (verbActivities) and the lemma of its object's first word (`boat`):
 * the first word after a subject pronoun (past BEFORE_VERB words and adverbs in -ly) when it is
 * a content word WordNet knows as a verb. None for the small talk of selling (`we sell`, `we
 * make`, `we offer`: stopwords, what follows is the goods) or a segment without a subject.
 */
export function verbActivity(tokens: string[]): { verb: string; activities: string[]; object?: string } | undefined {
  const subject = tokens.findIndex((t) => SUBJECTS.has(t));
  if (subject < 0) return undefined;
  let i = subject + 1;
  while (i < tokens.length && (BEFORE_VERB.has(tokens[i]!) || (/ly$/.test(tokens[i]!) && baseForms('verb', tokens[i]!).length === 0))) i++;
  const word = tokens[i];
  if (word === undefined || isStopword(word)) return undefined;
  const verb = baseForms('verb', word)[0];
  if (verb === undefined) return undefined;
  const activities = verbActivities(verb);
  if (activities.length === 0) return undefined;
  const next = tokens.slice(i + 1).find((t) => !isStopword(t));
  return next === undefined ? { verb, activities } : { verb, activities, object: lemma(next) };
}

/** Words that name the kind of offer rather than what it is about: the head is the word before them. */
const GENERIC_HEADS = new Set(['service', 'services']);

/**
 * The head nouns of a text's phrases: in every segment (between punctuation marks), the last
 * word of its first run of content words (`swim school for toddlers` -> school, `knife
 * sharpening` -> sharpen, `rental of apartments` -> rental), a generic `services` giving way to
 * the word before it. Bracketed glosses of the official terms (`rings [jewellery]`) are left out,
 * and so are the qualifiers that follow a noun (`lamps, electric`, `blenders, electric, for
 * household purposes`: the head is lamp, blender; see isQualifier).
 */
export function heads(text: string): string[] {
  const out: string[] = [];
  const pieces = text.replace(/\[[^\]]*\]|\([^)]*\)/g, ' ').split(/([,;:.!?\u2013\u2014]|\s-\s|\band\b|\bor\b|\bplus\b)/i);
  // The pieces read as further objects of a preposition (`statues of stone, concrete or marble`).
  const objects = new Set<number>();
  for (let p = 0; p < pieces.length; p += 2) {
    const segment = pieces[p]!;
    if (p > 0 && isQualifier(segment, pieces[p - 1]!)) continue;
    // A word that modifies the head after the conjunction (`flea and tick drops`, `downloadable and
    // pre-recorded music`), and a second object of a preposition (`starters for motors and
    // engines`), are no heads of their own.
    const joined = p + 2 < pieces.length ? coordination(segment, pieces[p + 1]!, pieces[p + 2]!) : undefined;
    if (joined === 'shared-head' || (joined === 'modifier' && contentLemmas(segment).length === 1)) continue;
    if (p > 0 && (coordination(pieces[p - 2]!, pieces[p - 1]!, segment, closesObjectList(pieces, p - 1)) === 'object' || (objects.has(p - 2) && plainWords(segment).length === 1))) {
      objects.add(p);
      continue;
    }
    const run: string[] = [];
    const tokens = tokenize(segment);
    // `we rent boats` says `rental of boats`: the verb's activity is the head, not its object.
    const said = verbActivity(tokens);
    if (said) {
      for (const a of said.activities) if (!out.includes(a)) out.push(a);
      continue;
    }
    // What a negation governs is what the goods are not (`fences, not of metal`): no head there.
    const negation = tokens.findIndex((t, i) => (NEGATIONS.has(t) && t !== 'non') || (t === 'other' && tokens[i + 1] === 'than'));
    for (const w of (negation >= 0 ? tokens.slice(0, negation) : tokens).filter((t, i, all) => t !== 'non' && all[i - 1] !== 'non')) {
      if (isStopword(w)) {
        if (run.length > 0) break;
        continue;
      }
      run.push(lemma(w));
    }
    while (run.length > 1 && GENERIC_HEADS.has(run[run.length - 1]!)) run.pop();
    const head = run[run.length - 1];
    if (head && !out.includes(head)) out.push(head);
  }
  return out;
}

/**
 * Where a description splits into clauses: punctuation, a dash between spaces (not the hyphen
 * of `non-electric` or `co-working`), and the words that join clauses. One capturing group, so
 * that split() keeps the separators.
 */
const CLAUSE_SEPARATOR = /([,;:()\u2013\u2014/+&.!?]|(?<![\p{L}\p{N}])-|-(?![\p{L}\p{N}])|\band\b|\bplus\b|\balso\b|\bwith\b|\bas well as\b)/iu;

/**
 * The clauses of a description: a business spanning goods and services usually says so in
 * separate clauses ("we roast coffee and run two cafés"), so each is also scored on its own.
 * A qualifier after a comma or `and` (`lamps, electric`, `fences, not of metal`, `blenders,
 * electric, for household purposes`, `signs, non-luminous and non-mechanical`) names no goods of
 * its own: it stays with the clause before it, as in the official terms it comes from.
 */
export function clauses(text: string): string[] {
  const pieces = text.split(CLAUSE_SEPARATOR);
  const out: string[] = [];
  let current = pieces[0] ?? '';
  for (let p = 1; p + 1 < pieces.length; p += 2) {
    const separator = pieces[p]!;
    const segment = pieces[p + 1]!;
    if (contentLemmas(current).length > 0 && isQualifier(segment, separator)) {
      current += separator + segment;
      continue;
    }
    const joined = coordination(current, separator, segment, closesObjectList(pieces, p));
    switch (joined) {
      case 'modifier':
        // `adhesive and sealing tapes`: one phrase, its modifiers coordinated.
        current += separator + segment;
        break;
      case 'shared-tail':
      case 'shared-head':
        // `flea and tick drops` = `flea drops` and `tick drops`; `we design and build websites` =
        // `we design websites` and `build websites`. A shared tail's first word is a head of its
        // own as well (`plastics and resins in extruded form`: plastics, and plastics in extruded form).
        if (joined === 'shared-tail') out.push(current);
        out.push(current.trimEnd() + segment.trim().replace(/^\S+/, ''));
        current = segment;
        break;
      case 'object':
        // `starters for motors and engines` = `starters for motors` and `starters for engines`.
        out.push(current);
        current = `${current.trimEnd().replace(/\S+$/, '')}${segment.trim()}`;
        break;
      default:
        out.push(current);
        current = segment;
    }
  }
  out.push(current);
  return out.map((c) => c.trim()).filter((c) => contentLemmas(c).length > 0);
}

/**
 * Whether the comma at pieces[p] (split with its separators) opens the rest of a list of single
 * words closed by `and`/`or` and one more word (`statues of stone, concrete or marble`,
 * `for agriculture, aquaculture, horticulture and forestry`): such a comma joins objects as the
 * conjunction does, where a comma elsewhere parts goods (`cushions for babies, rubidium`).
 */
export function closesObjectList(pieces: string[], p: number): boolean {
  const single = (text: string | undefined): boolean => text !== undefined && plainWords(text).length === 1 && isContent(plainWords(text)[0]!);
  let q = p;
  while (pieces[q]?.trim() === ',' && single(pieces[q + 1])) q += 2;
  return q > p && CONJUNCTIONS.has(pieces[q]?.trim().toLowerCase() ?? '') && single(pieces[q + 1]);
}

/** Prepositions whose object a coordinated noun shares the phrase of (`starters for motors and engines`). */
const OBJECT_PREPOSITIONS = new Set(['of', 'for', 'in', 'on', 'at', 'to', 'from', 'by', 'like', 'including']);

/** Conjunctions that coordinate words inside a phrase, as well as clauses. */
const CONJUNCTIONS = new Set(['and', 'or', '&']);

/** A text's whitespace-separated words, normalized (`non-electric` stays one word), empty ones dropped. */
function plainWords(text: string): string[] {
  return normalizeHyphens(text)
    .split(/\s+/)
    .map((w) => w.replace(/[^a-z0-9-]+/g, '').replace(/^-+|-+$/g, ''))
    .filter((w) => w !== '');
}

/** Whether a word (a whitespace word, hyphens kept) carries content: its last hyphen piece is no stopword. */
function isContent(word: string): boolean {
  return !isStopword(word.split('-').pop()!);
}

/** Whether a word is a plural noun (`mattresses`, `kombuchas`), which names goods of its own rather than modifying a noun after it. */
function isPlural(word: string): boolean {
  const l = lemma(word);
  return l !== word && (baseForms('noun', word).some((b) => b !== word) || `${l}s` === word);
}

export type Coordination = 'shared-head' | 'shared-tail' | 'modifier' | 'object';

/**
 * How a segment after `and`/`or` shares words with the text before it, when the conjunction joins
 * words inside one phrase rather than two phrases (`we roast coffee and run two cafés`: none):
 * - `shared-head`: the text before has one content word, adjacent to the conjunction, and the
 *   segment opens with a content word: the two share what follows that word (`flea and tick drops`
 *   = flea drops, tick drops; `clock and watch repair`; `design and build websites`): the first
 *   word modifies the head of the segment's first run of content words, so it must be able to:
 *   not a plural noun (`mattresses and solid wood bed frames` are two goods).
 * - `shared-tail`: the same, when the segment's first content word stands alone before a
 *   preposition (`apparatus and instruments for physics` = apparatus for physics): both are heads.
 * - `modifier`: the word before the conjunction is an adjective or participle and the segment
 *   opens with a run of two or more content words (`downloadable and pre-recorded music`): one
 *   phrase whose modifiers are coordinated.
 * - `object`: the segment is one noun and the text before ends with a preposition and its object
 *   (`starters for motors and engines`, `pasteurising of food and beverages`): the noun is a second
 *   object of the same phrase (starters for engines).
 * A segment with a subject pronoun, or opened by a stopword (`and run two cafés`), joins nothing.
 */
export function coordination(before: string, separator: string, segment: string, inObjectList = false): Coordination | undefined {
  const sep = separator.trim().toLowerCase();
  if (!CONJUNCTIONS.has(sep) && !(inObjectList && sep === ',')) return undefined;
  const left = plainWords(before);
  const right = plainWords(segment);
  const last = left[left.length - 1];
  const first = right[0];
  if (last === undefined || first === undefined || !isContent(last) || !isContent(first)) return undefined;
  if (right.some((w) => SUBJECTS.has(w)) || /[\])]\s*$/.test(before)) return undefined;
  // One noun after a preposition and its object: a second object of the same phrase.
  const secondObject = right.length === 1 && left.length >= 2 && OBJECT_PREPOSITIONS.has(left[left.length - 2]!) && !readsAsModifier(first);
  if (sep === ',') return secondObject ? 'object' : undefined;
  let run = 0;
  while (run < right.length && isContent(right[run]!)) run++;
  const leftContent = left.filter(isContent).length;
  if (leftContent === 1 && right.filter(isContent).length >= 2) {
    if (run === 1) return 'shared-tail';
    if (!isPlural(last)) return 'shared-head';
  }
  // A term's qualifiers after a comma (`maize, roasted`, `floors, not of metal`) close its phrase.
  if (before.includes(',')) return undefined;
  if (run >= 2 && readsAsModifier(last.split('-').pop()!)) return 'modifier';
  if (secondObject) return 'object';
  return undefined;
}

/** Words that open a phrase qualifying the noun before it after a comma (`, for household purposes`, `, of metal`, `, namely ...`, `, sold wholesale`). */
const QUALIFIER_OPENERS = new Set(['for', 'of', 'in', 'on', 'at', 'to', 'from', 'by', 'namely', 'including', 'especially', 'particularly', 'being', 'made', 'sold', 'built', 'grown']);

/** Subject pronouns: a segment that has one is a clause of its own (`, we also sell hookahs`). */
const SUBJECTS = new Set(['we', 'i', 'you', 'they', 'he', 'she']);

/**
 * Whether a segment after `separator` qualifies the noun before it instead of naming goods or
 * services of its own: a negation (`not of metal`, `other than for medical purposes`,
 * `non-electric`), after a comma a phrase opened by a preposition (`for household purposes`),
 * or words that all read as adjectives or participles (`electric`, `fresh`, `hand-operated`,
 * `filled`; see readsAsModifier). A segment with a subject pronoun is a clause.
 */
export function isQualifier(segment: string, separator: string): boolean {
  const tokens = normalizeHyphens(segment)
    .split(/[^a-z0-9-]+/)
    .map((t) => t.replace(/^-+|-+$/g, ''))
    .filter((t) => t !== '');
  const first = tokens[0];
  if (first === undefined || tokens.some((t) => SUBJECTS.has(t))) return false;
  const sep = separator.trim().toLowerCase();
  if (sep !== ',' && sep !== 'and' && sep !== 'or') return false;
  const opener = first.split('-')[0]!;
  if (NEGATIONS.has(opener) || (opener === 'other' && tokens[1] === 'than')) return true;
  if (sep === ',' && QUALIFIER_OPENERS.has(opener)) return true;
  const content = tokens.map((t) => t.split('-').pop()!).filter((t) => !isStopword(t));
  return content.length > 0 && content.every(readsAsModifier);
}

/** Words read (a description's words recur, arbitrary ones must not grow the cache without bound). */
const modifierCache = new LRUCache<string, boolean>({ max: 50_000 });

/**
 * Whether a word (lower case, inflected) usually reads as an adjective or a participle rather
 * than a noun: a word that is both (`electric`, `metal`) by the tag counts of WordNet's sense-tagged
 * corpus (electric: adjective 16, noun 0; metal: noun 21, adjective 5); a plural is a noun, an
 * `-ed`/`-en` form of a verb a participle (`filled`, `preserved`); a word WordNet does not know
 * by an adjective's suffix (`downloadable`).
 */
export function readsAsModifier(word: string): boolean {
  const cached = modifierCache.get(word);
  if (cached !== undefined) return cached;
  let result: boolean;
  if (hasLemma('noun', word)) {
    if (hasLemma('adj', word)) {
      const counts = tagCounts(word);
      result = counts.adj > counts.noun || counts.noun === 0;
    } else result = false;
  } else if (baseForms('noun', word).length > 0) result = hasLemma('adj', word);
  else if (baseForms('adj', word).length > 0) result = true;
  else if (/(?:ed|en)$/.test(word) && baseForms('verb', word).length > 0) result = true;
  else if (baseForms('verb', word).length > 0) result = false;
  else result = /(?:able|ible|ous|ive|ful|less|al|ic)$/.test(word);
  modifierCache.set(word, result);
  return result;
}
