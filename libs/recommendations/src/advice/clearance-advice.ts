import { coordinateTerms } from '@app/common/language/wordnet';
import { relatedClasses, type RiskLevel, type ScoredResult } from '@app/trademarks';
import type { RecommendationType } from '../recommendations.types';

/**
 * Clearance advice after a trademark search, as pure functions of the committed search: what
 * drives the risk and what to do, related classes to consider, a watch offer, and candidate
 * alternative marks (which the service then searches for real and keeps only when clear).
 */

/** Recorded with every piece of advice (the stats endpoint compares acceptance by version). */
export const ADVICE_MODEL_VERSION = 'clearance-advice-1';
/** At most this many candidate alternatives are searched to find the ones offered. */
export const ALTERNATIVE_CANDIDATES = 12;
/** At most this many related classes are suggested after one search. */
export const MAX_RELATED_CLASSES = 4;

export interface AdvisedSearch {
  id: string;
  query: string;
  normalizedQuery: string;
  classes: number[];
  risk: RiskLevel;
  results: ScoredResult[];
}

export interface Advice {
  type: RecommendationType;
  title: string;
  payload: Record<string, unknown>;
}

export type ActionKind = 'change-the-mark' | 'narrow-the-goods' | 'talk-to-counsel' | 'watch-the-mark' | 'file';

const ACTION_TEXT: Record<ActionKind, string> = {
  'change-the-mark': 'Change the mark: the conflicting marks are too close in the same goods or services to coexist.',
  'narrow-the-goods': 'Narrow the goods and services: the conflicts come from related classes, not from yours.',
  'talk-to-counsel': 'Talk to trademark counsel before filing: they can weigh the marks and the prior rights in detail.',
  'watch-the-mark': 'Watch the mark after filing, to hear of conflicting new applications early.',
  file: 'Nothing in the registry stands in the way: the mark looks clear to file in these classes.',
};

const RISK_ORDER: Record<RiskLevel, number> = { high: 3, medium: 2, low: 1, none: 0 };

/** The results that drive the search's risk: those at its level (at most three), best first. */
export function riskDrivers(search: AdvisedSearch): ScoredResult[] {
  if (search.risk === 'none') return [];
  return search.results.filter((r) => r.risk === search.risk).slice(0, 3);
}

/** What to do about the risk, most pressing first. */
export function riskActions(search: AdvisedSearch): ActionKind[] {
  const drivers = riskDrivers(search);
  const sameGoods = drivers.some((d) => d.reasons.some((r) => r.kind === 'same-class') || search.classes.length === 0);
  switch (search.risk) {
    case 'high':
      return sameGoods ? ['change-the-mark', 'talk-to-counsel'] : ['narrow-the-goods', 'talk-to-counsel'];
    case 'medium':
      return sameGoods ? ['talk-to-counsel', 'change-the-mark'] : ['narrow-the-goods', 'talk-to-counsel'];
    case 'low':
      return drivers.length > 0 ? ['watch-the-mark', 'talk-to-counsel'] : ['file', 'watch-the-mark'];
    default:
      return ['file', 'watch-the-mark'];
  }
}

function describeDriver(r: ScoredResult): string {
  const status = r.record.live ? 'live' : 'dead';
  const classes = r.record.classes.length > 0 ? `class ${r.record.classes.join(', ')}` : 'no class on record';
  const why = r.reasons.map((x) => x.detail).join('; ');
  return `${r.record.mark ?? '(no word mark)'} (serial ${r.record.serialNumber}, ${classes}, ${status}): ${why}`;
}

/** The risk in plain words: the marks that drive it and what to do. Made after every search. */
export function riskSummary(search: AdvisedSearch): Advice {
  const drivers = riskDrivers(search);
  const actions = riskActions(search);
  const title =
    drivers.length === 0
      ? `"${search.query}" looks clear: no conflicting mark found`
      : `${search.risk.toUpperCase()} risk for "${search.query}": ${drivers.length === 1 ? 'one mark drives it' : `${drivers.length} marks drive it`}`;
  return {
    type: 'risk-summary',
    title,
    payload: {
      searchId: search.id,
      query: search.query,
      classes: search.classes,
      risk: search.risk,
      drivers: drivers.map((d) => ({
        serialNumber: d.record.serialNumber,
        mark: d.record.mark,
        score: d.score,
        risk: d.risk,
        live: d.record.live,
        classes: d.record.classes,
        summary: describeDriver(d),
      })),
      actions: actions.map((kind) => ({ kind, text: ACTION_TEXT[kind] })),
    },
  };
}

/** Classes related to the searched ones that the user may also need, each with the reason. */
export function classAdvice(search: AdvisedSearch): Advice[] {
  return relatedClasses(search.classes)
    .slice(0, MAX_RELATED_CLASSES)
    .map((c) => ({
      type: 'classes' as const,
      title: `Consider class ${c.class} too for "${search.query}"`,
      payload: {
        searchId: search.id,
        query: search.query,
        class: c.class,
        relatedTo: c.relatedTo,
        reason: `Class ${c.class} is related to class ${c.relatedTo.join(' and ')}: ${c.reason}.`,
      },
    }));
}

/** An offer to watch the mark, when the search found it clear or low risk (and named its classes). */
export function watchAdvice(search: AdvisedSearch): Advice | null {
  if (RISK_ORDER[search.risk] > RISK_ORDER.low || search.classes.length === 0 || search.normalizedQuery === '') return null;
  return {
    type: 'watch',
    title: `Watch "${search.query}" for conflicting new filings`,
    payload: {
      searchId: search.id,
      mark: search.query,
      classes: search.classes,
      reason: `The search found ${search.risk === 'none' ? 'no conflicting mark' : 'only low-risk marks'}; a watch reports new filings that come close.`,
    },
  };
}

export type AlternativeKind = 'added-word' | 'coined-blend' | 'word-swap';

export interface AlternativeCandidate {
  mark: string;
  kind: AlternativeKind;
  detail: string;
}

/** Coined endings for blends and distinctive words to add: arbitrary, pronounceable, rarely registered together. */
const COINED_ENDINGS = ['ora', 'ivo', 'enza', 'elle', 'umi', 'axa', 'ondo', 'ique'];
const DISTINCTIVE_WORDS = ['KESTREL', 'MERIDIAN', 'JUNIPER', 'SOLSTICE', 'LANTERN', 'QUARRY', 'TANGENT', 'OBELISK'];

/** A stable 32-bit hash (FNV-1a) that rotates the lists, so different marks get different proposals. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** The stem of a word for a blend: up to its second vowel group (NIKE -> NIK, HARBOR -> HARB). */
function blendStem(word: string): string {
  const m = /^[^aeiouy]*[aeiouy]+[^aeiouy]+/i.exec(word);
  return (m ? m[0] : word).slice(0, 5);
}

/**
 * Candidate alternatives to a mark whose search found a conflict, deterministic for the same
 * search: the word that drives the conflicts swapped for a coordinate term (same kind of thing,
 * another meaning), coined blends of the mark's stem, and the mark with a distinctive word added.
 * None is offered before the service has searched it and found it clear or low risk.
 */
export function alternativeCandidates(search: AdvisedSearch, max = ALTERNATIVE_CANDIDATES): AlternativeCandidate[] {
  const words = search.normalizedQuery.toLowerCase().split(/\s+/).filter((w) => /^[a-z]+$/.test(w));
  if (words.length === 0) return [];
  const seed = fnv(search.normalizedQuery);
  const upper = (w: string) => w.toUpperCase();
  const out: AlternativeCandidate[] = [];
  const add = (c: AlternativeCandidate) => {
    if (c.mark !== upper(search.normalizedQuery) && !out.some((o) => o.mark === c.mark)) out.push(c);
  };

  // The word the conflicting marks share most drives the conflict; on a tie the earlier word (in
  // English marks the distinctive word tends to come first: RIVER COFFEE).
  const sharedCounts = words.map((w) => search.results.filter((r) => (r.record.mark ?? '').toLowerCase().split(/\s+/).includes(w)).length);
  const driverIndex = words.reduce((best, _w, i) => (sharedCounts[i]! > sharedCounts[best]! ? i : best), 0);
  const driver = words[driverIndex]!;

  const swaps = coordinateTerms(driver, 12).filter((t) => t.length >= 4 && t.length <= 9);
  const blends = rotate(COINED_ENDINGS, seed).map((end) => blendStem(driver).replace(/[aeiouy]+$/i, '') + end);
  const added = rotate(DISTINCTIVE_WORDS, seed >>> 8);
  // Interleave the kinds so a short list still shows each of them.
  for (let i = 0; out.length < max && i < 8; i++) {
    const swap = swaps[i];
    if (swap) {
      const replaced = words.map((w, j) => (j === driverIndex ? swap : w)).map(upper).join(' ');
      add({ mark: replaced, kind: 'word-swap', detail: `"${upper(driver)}" swapped for "${upper(swap)}", a word of the same kind with another meaning` });
    }
    const blend = blends[i];
    if (blend && blend.length >= 4) {
      const blended = words.map((w, j) => (j === driverIndex ? blend : w)).map(upper).join(' ');
      add({ mark: blended, kind: 'coined-blend', detail: `a coined word blending "${upper(blendStem(driver))}" with a new ending` });
    }
    const word = added[i];
    if (word) add({ mark: `${words.map(upper).join(' ')} ${word}`, kind: 'added-word', detail: `the distinctive word "${word}" added` });
  }
  return out.slice(0, max);
}
