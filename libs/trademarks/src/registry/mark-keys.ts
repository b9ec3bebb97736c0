import { Injectable } from '@nestjs/common';
import { analyzeMark, searchKeys } from '../search/analyzer';

/** The search keys stored with a record, derived from its mark text. */
export interface MarkKeys {
  normalizedMark: string | null;
  phoneticKeys: string[];
}

/**
 * Computes the search keys of a mark for the importer. The search engine owns the rules
 * (../search/normalize): a record keyed at import must match the same text typed into a search
 * later, so the importer never has rules of its own. Injectable so that a re-key after a rule
 * change, or a test, can swap it.
 */
@Injectable()
export class MarkKeysProvider {
  keysOf(mark: string | null): MarkKeys {
    if (mark === null || mark.trim() === '') return { normalizedMark: null, phoneticKeys: [] };
    const analysis = analyzeMark(mark);
    return { normalizedMark: analysis.normalized, phoneticKeys: searchKeys(analysis, mark) };
  }
}
