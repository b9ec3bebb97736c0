/**
 * Labelled mark pairs generated from a registry (for fitting the search weights and for
 * generated validation pairs): perturbations of a registry mark of each kind a clearance search
 * must catch, and negatives. Deterministic for a given random source.
 */
import { normalizeMark } from '../libs/trademarks/src/search/normalize';

export interface LabelledPair {
  query: string;
  prior: string;
  label: 0 | 1;
  kind: string;
}

const ONSETS = 'b br c cl cr d dr f fl g gr h j k l m n p pr qu r s sk st t tr v w z ph ch sh th'.split(' ');
const NUCLEI = 'a e i o u ai ea io ou y ee oo'.split(' ');
const CODAS = ['', '', '', 'n', 'r', 'x', 'l', 's', 'm', 'k', 'nt', 'st', 'ck', 'th'];
export const WORDS = (
  'blue green red golden silver river stone peak harbor ocean forest sun moon star north summit bright swift true wild urban royal ' +
  'prime nova pure fresh smart happy lucky iron eagle fox wolf bear lion maple oak pine cedar rose lotus ember spark wave cloud sky field meadow'
).split(' ');
const DESCRIPTIVE = 'foods labs studios organics systems coffee apparel wellness solutions supply brewing designs tech outfitters bakery cycles'.split(' ');
const ADDED = [...DESCRIPTIVE, 'group', 'co', 'by kara', 'company', 'shop', 'works', 'house'];
const ARTICLES = ["L'", 'LE ', 'LA ', 'IL ', 'EL ', 'THE '];
const EQUIVALENTS: Array<[string, string]> = [
  ['sun', 'sol'], ['moon', 'luna'], ['star', 'stella'], ['wolf', 'lupo'], ['lion', 'leon'], ['red', 'rojo'], ['green', 'verde'],
  ['blue', 'azul'], ['golden', 'oro'], ['stone', 'pierre'], ['ocean', 'sea'], ['swift', 'quick'], ['happy', 'merry'], ['smart', 'clever'],
  ['royal', 'regal'], ['pure', 'clean'], ['river', 'rio'], ['sky', 'cielo'],
];
const SOUND_SWAPS: Array<[RegExp, string]> = [[/c(?=[aou])/, 'k'], [/ph/, 'f'], [/s/, 'z'], [/i/, 'y'], [/ck/, 'k'], [/x/, 'ks'], [/ee/, 'ea'], [/oo/, 'u'], [/k/, 'c'], [/f/, 'ph']];
const NUMERAL_SWAPS: Array<[RegExp, string]> = [[/for/, '4'], [/to/, '2'], [/ate/, '8'], [/one/, '1'], [/o/, '0'], [/e/, '3'], [/l/, '1'], [/s/, '5']];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

export function coined(rand: () => number, syllables = 2 + Math.floor(rand() * 2)): string {
  let w = '';
  for (let s = 0; s < syllables; s++) w += pick(rand, ONSETS) + pick(rand, NUCLEI);
  return w + pick(rand, CODAS);
}

export function generatedMark(rand: () => number): string {
  const r = rand();
  let mark: string;
  if (r < 0.3) mark = coined(rand);
  else if (r < 0.5) mark = `${pick(rand, WORDS)} ${pick(rand, WORDS)}`;
  else if (r < 0.7) mark = `${coined(rand)} ${pick(rand, DESCRIPTIVE)}`;
  else if (r < 0.85) mark = `${pick(rand, WORDS)} ${coined(rand)}`;
  else if (r < 0.93) mark = `${coined(rand)} ${pick(rand, WORDS)} ${pick(rand, DESCRIPTIVE)}`;
  else mark = coined(rand, 1).slice(0, 2 + Math.floor(rand() * 3)) + (rand() < 0.5 ? '' : String.fromCharCode(97 + Math.floor(rand() * 26)));
  return mark.toUpperCase();
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
function oneEdit(word: string, rand: () => number): string {
  const i = Math.floor(rand() * word.length);
  const r = rand();
  const letter = pick(rand, LETTERS.split(''));
  if (r < 0.4) return word.slice(0, i) + letter + word.slice(i + 1);
  if (r < 0.6 && word.length > 3) return word.slice(0, i) + word.slice(i + 1);
  if (r < 0.8) return word.slice(0, i) + letter + word.slice(i);
  if (i + 1 < word.length) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  return word + letter;
}

/** Positive pairs made from one registry mark (the prior), one per applicable kind. */
export function perturbations(prior: string, rand: () => number): LabelledPair[] {
  const m = prior.toLowerCase();
  const words = m.split(' ');
  const out: LabelledPair[] = [];
  const add = (query: string, kind: string) => {
    if (query !== m) out.push({ query: query.toUpperCase(), prior, label: 1, kind });
  };
  add(m, 'identical');
  out.push({ query: prior, prior, label: 1, kind: 'identical' });
  const target = words.reduce((a, b) => (b.length > a.length ? b : a));
  add(m.replace(target, oneEdit(target, rand)), m.replace(/ /g, '').length <= 4 ? 'short-one-letter' : 'one-letter');
  const swap = SOUND_SWAPS.filter(([re]) => re.test(m));
  if (swap.length) {
    const [re, to] = pick(rand, swap);
    add(m.replace(re, to), 'sound');
  }
  add(`${m} ${pick(rand, ADDED)}`, 'added-word');
  if (words.length >= 2) add([...words.slice(1), words[0]].join(' '), 'word-order');
  add(m.endsWith('s') ? m.slice(0, -1) : `${m}s`, 'plural');
  if (words.length === 2) add(words.join('') + (rand() < 0.5 ? pick(rand, ['s', 'z', 'e', 'er', 'ly']) : ''), 'compound');
  if (words.length === 1 && m.length >= 7) {
    const cut = 3 + Math.floor(rand() * (m.length - 5));
    add(`${m.slice(0, cut)} ${m.slice(cut)}${rand() < 0.5 ? pick(rand, ['s', 'e', 'er', 'y']) : ''}`, 'compound');
  }
  const numeral = NUMERAL_SWAPS.filter(([re]) => re.test(m));
  if (numeral.length) {
    const [re, to] = pick(rand, numeral);
    add(m.replace(re, to), 'numeral');
  }
  // Initials of the words that make the mark: a trailing company form (LLC, INC, CO) is no part
  // of it (normalizeMark drops it), so FOO BREWING LLC abbreviates to FB, not FBL.
  const named = normalizeMark(m).split(' ');
  if (named.length >= 2 && named.length <= 4) {
    const initials = named.map((w) => w[0]).join('');
    add(initials, 'initials');
    if (named.length <= 3) out.push({ query: `${named.join(' ')} ${pick(rand, DESCRIPTIVE)}`.toUpperCase(), prior: initials.toUpperCase(), label: 1, kind: 'initials-added-word' });
  }
  add(`${pick(rand, ARTICLES).toLowerCase()}${words.length === 1 ? oneEdit(m, rand) : m}`, 'article');
  const equivalent = EQUIVALENTS.filter(([en]) => words.includes(en));
  if (equivalent.length) {
    const [en, other] = pick(rand, equivalent);
    add(words.map((w) => (w === en ? other : w)).join(' '), 'meaning');
  }
  return out;
}

/** Negative pairs for one registry mark. */
export function negativesOf(prior: string, registry: readonly string[], rand: () => number): LabelledPair[] {
  const m = prior.toLowerCase();
  const words = m.split(' ');
  const out: LabelledPair[] = [];
  for (let i = 0; i < 3; i++) out.push({ query: pick(rand, registry), prior, label: 0, kind: 'random' });
  const crowded = words.find((w) => WORDS.includes(w) || DESCRIPTIVE.includes(w));
  if (crowded) {
    const other = rand() < 0.5 ? `${crowded} ${coined(rand)}` : `${pick(rand, WORDS.filter((w) => w !== crowded))} ${crowded}`;
    if (!words.every((w) => other.includes(w))) out.push({ query: other.toUpperCase(), prior, label: 0, kind: 'crowded-word' });
  }
  if (words.length === 1 && m.length >= 6) {
    const half = m.slice(0, Math.ceil(m.length / 2));
    const query = half + coined(rand, 1);
    if (query.length >= m.length - 1 && Math.abs(query.length - m.length) <= 3 && query.slice(half.length, half.length + 2) !== m.slice(half.length, half.length + 2)) {
      out.push({ query: query.toUpperCase(), prior, label: 0, kind: 'same-prefix' });
    }
  }
  if (m.length >= 3 && m.length <= 4 && words.length === 1) {
    const chars = m.split('');
    const a = Math.floor(rand() * chars.length);
    const b = (a + 1 + Math.floor(rand() * (chars.length - 1))) % chars.length;
    chars[a] = pick(rand, LETTERS.split('').filter((l) => l !== chars[a]));
    chars[b] = pick(rand, LETTERS.split('').filter((l) => l !== chars[b]));
    out.push({ query: chars.join('').toUpperCase(), prior, label: 0, kind: 'short-two-letters' });
  }
  return out;
}
