import { analyzeMark, encodeAnalysis, lookalikeKeys, searchKeys } from '../search/analyzer';

/** The search keys stored with a record, derived from its mark text, and its analysis. */
export interface MarkKeys {
  normalizedMark: string | null;
  phoneticKeys: string[];
  /** The look-alike keys of the mark (lookalikeKeys: whole-mark and per-word deletion keys), null when it has none. */
  lookalikeKeys: string[] | null;
  /** The analysis in its stored form (encodeAnalysis), for trademark_mark_analyses; null without a mark. */
  analysis: string | null;
}

/**
 * The search keys and the analysis of a mark, for the importer and the reanalysis. The search
 * engine owns the rules (../search/analyzer): a record keyed at import must match the same text
 * typed into a search later, so the importer never has rules of its own. A plain function
 * without Nest, so that the import's worker threads load only the analyzer.
 */
export function markKeysOf(mark: string | null): MarkKeys {
  if (mark === null || mark.trim() === '') return { normalizedMark: null, phoneticKeys: [], lookalikeKeys: null, analysis: null };
  const analysis = analyzeMark(mark);
  const lookalike = lookalikeKeys(analysis);
  return {
    normalizedMark: analysis.normalized,
    phoneticKeys: searchKeys(analysis),
    lookalikeKeys: lookalike.length > 0 ? lookalike : null,
    analysis: encodeAnalysis(analysis),
  };
}
