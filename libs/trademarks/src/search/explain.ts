/**
 * Explanations: the reasons of a result, built from the same features the score is computed
 * from (features.ts), one reason kind per signal. Every result gets at least one reason about
 * the marks themselves: when no signal crosses its threshold, the spelling similarity is given.
 */
import { isForeignWord } from './meaning.util';
import type { PairFeatures } from './features';
import type { ClassRelation } from './class-relations.util';
import type { SearchReason } from './search.types';

const up = (word: string): string => word.toUpperCase();
const round2 = (n: number): number => Math.round(n * 100) / 100;
const weight = (d: number): string => (d >= 0.6 ? 'distinctive' : d >= 0.3 ? 'fairly common in the registry' : 'common or descriptive, weighs little');

export interface ExplainContext {
  recordMark: string;
  relation: { relation: ClassRelation; classes: number[] };
  queryClasses: readonly number[];
  live: boolean;
  status: string | null;
}

export function explain(features: PairFeatures, context: ExplainContext): SearchReason[] {
  const v = features.values;
  const reasons: SearchReason[] = [];
  const byKind = (kind: string) => features.matches.filter((m) => m.kind === kind);
  if (v.identical) {
    reasons.push({ kind: 'identical', detail: `"${context.recordMark}" reads the same once case, punctuation, spacing and articles are ignored` });
  }
  if (v.reordered) reasons.push({ kind: 'looks-alike', detail: 'the same words in another order' });
  const look = byKind('look');
  if (!v.identical && (v.appearance >= 0.6 || look.length > 0 || v.shortOneLetter)) {
    const parts = [`spelling similarity ${round2(v.appearance)} (${features.editDistance} letter edit${features.editDistance === 1 ? '' : 's'})`];
    for (const m of look) parts.push(`${up(m.query)} looks like ${up(m.record)}`);
    reasons.push({ kind: 'looks-alike', detail: parts.join('; ') });
  }
  const sound = byKind('sound');
  if (!v.identical && (v.sound >= 0.85 || sound.length > 0)) {
    const parts = v.sound >= 0.85 ? [`the whole mark sounds alike (sound similarity ${round2(v.sound)})`] : [];
    for (const m of sound) parts.push(`${up(m.query)} sounds like ${up(m.record)}`);
    reasons.push({ kind: 'sounds-alike', detail: parts.join('; ') });
  }
  const same = byKind('same');
  if (!v.identical && !v.reordered && same.length > 0) {
    reasons.push({ kind: 'shared-word', detail: `shares ${same.map((m) => `${up(m.query)} (${weight(m.distinctiveness)})`).join(', ')}` });
  }
  const meaning = byKind('meaning');
  if (meaning.length > 0) {
    reasons.push({
      kind: 'means-the-same',
      detail: meaning
        .map((m) => (isForeignWord(m.query) || isForeignWord(m.record) ? `${up(m.query)} and ${up(m.record)} mean the same (foreign equivalent)` : `${up(m.query)} and ${up(m.record)} are synonyms`))
        .join('; '),
    });
  }
  if (v.initials && features.initials !== null) {
    reasons.push({ kind: 'initials', detail: `${up(features.initials)} are the initials of the other mark's words` });
  }
  const parts = byKind('part');
  if (features.contained !== null || parts.length > 0) {
    const details: string[] = [];
    if (features.contained === 'query-in-record') details.push('the registered mark contains the searched mark');
    if (features.contained === 'record-in-query') details.push(`the searched mark contains "${context.recordMark}"`);
    for (const m of parts) details.push(`${up(m.query.length >= m.record.length ? m.query : m.record)} contains ${up(m.query.length >= m.record.length ? m.record : m.query)} (one word against two)`);
    reasons.push({ kind: 'contains', detail: details.join('; ') });
  }
  if (reasons.length === 0) {
    reasons.push({ kind: 'looks-alike', detail: `spelling similarity ${round2(v.appearance)} (${features.editDistance} letter edits), sound similarity ${round2(v.sound)}` });
  }
  const { relation } = context;
  if (relation.relation === 'same') reasons.push({ kind: 'same-class', detail: `class ${relation.classes.join(', ')}` });
  if (relation.relation === 'related') reasons.push({ kind: 'related-class', detail: `class ${relation.classes.join(', ')} is related to class ${context.queryClasses.join(', ')}` });
  if (relation.relation === 'unrelated') reasons.push({ kind: 'unrelated-class', detail: `no class of the record is the same as or related to class ${context.queryClasses.join(', ')}` });
  if (!context.live) reasons.push({ kind: 'dead-record', detail: `the record is dead${context.status ? ` (status ${context.status})` : ''}` });
  return reasons;
}
