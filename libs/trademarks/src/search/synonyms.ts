import { singularWord } from './normalize';
import { closeSynonyms } from './wordnet';

/** A word's close synonyms (WordNet first senses), of the word as written and of its singular. */
export function synonymsOf(word: string): string[] {
  const singular = singularWord(word);
  return [...new Set([...closeSynonyms(word), ...(singular === word ? [] : closeSynonyms(singular))])];
}

/** Whether two words are close synonyms, in either direction (WordNet first senses). */
export function areCloseSynonyms(a: string, b: string): boolean {
  if (a === b || a.length < 3 || b.length < 3 || /[0-9]/.test(a) || /[0-9]/.test(b)) return false;
  const sa = singularWord(a);
  const sb = singularWord(b);
  const of = synonymsOf(a);
  if (of.includes(b) || of.includes(sb)) return true;
  const back = synonymsOf(b);
  return back.includes(a) || back.includes(sa);
}
