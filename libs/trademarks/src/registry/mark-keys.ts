import { Injectable } from '@nestjs/common';
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
 * Computes the search keys and the analysis of a mark for the importer. The search engine owns the rules
 * (../search/normalize): a record keyed at import must match the same text typed into a search
 * later, so the importer never has rules of its own. Injectable so that a re-key after a rule
 * change, or a test, can swap it.
 */
@Injectable()
export class MarkKeysProvider {
  keysOf(mark: string | null): MarkKeys {
    if (mark === null || mark.trim() === '') return { normalizedMark: null, phoneticKeys: [], lookalikeKeys: null, analysis: null };
    const analysis = analyzeMark(mark);
    const lookalike = lookalikeKeys(analysis);
    return {
      normalizedMark: analysis.normalized,
      phoneticKeys: searchKeys(analysis, mark),
      lookalikeKeys: lookalike.length > 0 ? lookalike : null,
      analysis: encodeAnalysis(analysis),
    };
  }
}
