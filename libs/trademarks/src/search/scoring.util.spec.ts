import { classRelation } from './class-relations.util';
import { normalizeMark, phoneticKeys } from './normalize';
import { classCoverage, editDistance, highestRisk, prepareQuery, rankCandidates, riskOf, scoreCandidate, ScoringMemo } from './scoring.util';
import type { Candidate } from './search.types';
import { SEARCH_WEIGHTS } from './weights';

function candidate(mark: string, classes: number[], live = true, trigram = 0): Candidate {
  return {
    record: {
      serialNumber: mark,
      registrationNumber: null,
      mark,
      status: live ? '700' : '710',
      live,
      classes,
      owner: null,
      filingDate: null,
    },
    normalizedMark: normalizeMark(mark),
    phoneticKeys: phoneticKeys(mark),
    trigram,
  };
}

const kinds = (r: { reasons: Array<{ kind: string }> }): string[] => r.reasons.map((x) => x.kind);

describe('scoreCandidate', () => {
  it('rates an identical mark in the same class 100, high, identical + same-class', () => {
    const r = scoreCandidate(prepareQuery('Quick-Mart, Inc.', [35]), candidate('QUICK MART', [35]));
    expect(r.score).toBeGreaterThanOrEqual(95);
    expect(r.risk).toBe('high');
    expect(kinds(r)).toEqual(['identical', 'same-class']);
  });

  it('finds a conflict on one distinctive sound-alike word', () => {
    const r = scoreCandidate(prepareQuery('QUICK', [35]), candidate('KWIK REWARDS', [35]));
    expect(kinds(r)).toEqual(expect.arrayContaining(['sounds-alike', 'same-class']));
    expect(['high', 'medium']).toContain(r.risk);
  });

  it('treats word order and plurals as conflicts', () => {
    expect(scoreCandidate(prepareQuery('HARBOR ROSES', [3]), candidate('ROSE HARBOR', [3])).risk).toBe('high');
    const compound = scoreCandidate(prepareQuery('LIVINGREEN', [31]), candidate('GREEN LIVING', [31], true, 0.71));
    expect(compound.risk).toBe('high');
    expect(kinds(compound)).toContain('looks-alike');
  });

  it('weighs a shared descriptive word less than a distinctive one', () => {
    const weak = scoreCandidate(prepareQuery('ZORBAX STUDIOS', [41]), candidate('LUMINA STUDIOS', [41]));
    const strong = scoreCandidate(prepareQuery('ZORBAX STUDIOS', [41]), candidate('ZORBAX', [41]));
    expect(weak.score).toBeLessThan(strong.score);
    expect(weak.risk).not.toBe('high');
    expect(kinds(weak)).toContain('shared-word');
  });

  it('ranks same class above related above unrelated, and live above dead', () => {
    const q = prepareQuery('ZORBAX', [25]);
    const same = scoreCandidate(q, candidate('ZORBAX', [25])).score;
    const related = scoreCandidate(q, candidate('ZORBAX', [35])).score;
    const unrelated = scoreCandidate(q, candidate('ZORBAX', [1])).score;
    const dead = scoreCandidate(q, candidate('ZORBAX', [25], false));
    expect(same).toBeGreaterThanOrEqual(related);
    expect(related).toBeGreaterThan(unrelated);
    expect(dead.score).toBeLessThan(same);
    expect(kinds(dead)).toContain('dead-record');
  });

  it('gives no risk to an unrelated mark', () => {
    expect(scoreCandidate(prepareQuery('OCTOPUS', [9]), candidate('BANANA SPLIT', [9], true, 0.05)).risk).toBe('none');
  });
});

describe('rankCandidates', () => {
  it('scores a mark met again from the memo exactly as on its own (same analysis, class relation and status reused, never mixed up)', () => {
    const q = prepareQuery('MINT', [30]);
    // The same marks many times over (a crowded registry), in other classes and statuses, with a look-alike between.
    const marks: Candidate[] = [];
    for (let i = 0; i < 6; i++) {
      marks.push({ ...candidate('MINT', i % 2 === 0 ? [30] : [9], i % 3 !== 0), record: { ...candidate('MINT', []).record, serialNumber: `m${i}`, classes: i % 2 === 0 ? [30] : [9], live: i % 3 !== 0 } });
      marks.push({ ...candidate('MIST', [30]), record: { ...candidate('MIST', [30]).record, serialNumber: `s${i}` } });
    }
    const memo = new ScoringMemo(q);
    const shared = marks.map((c) => scoreCandidate(q, c, memo));
    expect(shared).toEqual(marks.map((c) => scoreCandidate(q, c)));
    // The memo did reuse: the same features object for the same mark, relation and status; another for another context.
    const analysis = memo.analysisOf(marks[0]);
    expect(memo.analysisOf(marks[4])).toBe(analysis);
    const context = { relation: 'same' as const, live: true, distinctiveness: memo.distinctivenessOfWords() };
    expect(memo.featuresOf(analysis, context)).toBe(memo.featuresOf(analysis, { ...context }));
    expect(memo.featuresOf(analysis, { ...context, live: false })).not.toBe(memo.featuresOf(analysis, context));
    expect(rankCandidates(q, marks, 12, 0).map((r) => r.record.serialNumber)).toEqual(
      shared
        .map((r, i) => ({ r, i }))
        .sort((a, b) => b.r.score - a.r.score || b.r.coverage - a.r.coverage || Number(b.r.identical) - Number(a.r.identical) || b.r.logit - a.r.logit || Number(b.r.record.live) - Number(a.r.record.live) || a.r.record.serialNumber.localeCompare(b.r.record.serialNumber))
        .map(({ r }) => r.record.serialNumber),
    );
  });

  it('orders by score, drops the weakest and honours the limit', () => {
    const q = prepareQuery('QUICK', [35]);
    const ranked = rankCandidates(q, [candidate('BANANA', [35]), candidate('KWIK REWARDS', [35], true), candidate('QUICK', [35]), candidate('KWIK', [45])], 2);
    expect(ranked.map((r) => r.record.mark)).toEqual(['QUICK', 'KWIK REWARDS']);
    // Risk `none` (BANANA) is left out unless asked for (minScore 0).
    expect(rankCandidates(q, [candidate('BANANA', [35])], 5)).toEqual([]);
    expect(rankCandidates(q, [candidate('BANANA', [35])], 5, 0)).toHaveLength(1);
  });

  it('keeps records identical to the query whatever their score, first, when asked to (the clearance search)', () => {
    const q = prepareQuery('STUSOMOON LOGIC');
    const dead = candidate('STUSOMOON LOGIC', [9], false);
    // Searched in class 1: the dead record in class 9 (unrelated) is below the `low` band.
    const inClass = prepareQuery('STUSOMOON LOGIC', [1]);
    expect(scoreCandidate(inClass, dead).risk).toBe('none');
    expect(rankCandidates(inClass, [dead], 5)).toEqual([]);
    expect(rankCandidates(inClass, [dead, candidate('BANANA', [1])], 5, 15, true).map((r) => r.record.mark)).toEqual(['STUSOMOON LOGIC']);
    const lookalike = candidate('STUSOMOON LOGICS', [9]);
    expect(scoreCandidate(q, lookalike).score).toBeGreaterThan(scoreCandidate(q, dead).score);
    expect(rankCandidates(q, [lookalike, dead], 5, 15, true).map((r) => r.record.mark)).toEqual(['STUSOMOON LOGIC', 'STUSOMOON LOGICS']);
  });

  it('keeps the learned share of the risk for a dead record (deadFactor): an identical dead mark is medium, never high', () => {
    for (const classes of [[], [9]]) {
      const q = prepareQuery('STUSOMOON LOGIC', classes);
      const live = scoreCandidate(q, candidate('STUSOMOON LOGIC', [9])).score;
      const dead = scoreCandidate(q, candidate('STUSOMOON LOGIC', [9], false));
      expect(Math.abs(dead.score - live * SEARCH_WEIGHTS.deadFactor)).toBeLessThanOrEqual(1);
      expect(dead.risk).toBe('medium');
      expect(kinds(dead)).toEqual(expect.arrayContaining(['identical', 'dead-record']));
    }
  });

  it('never scores a look-alike above the identical mark in its place, and ranks the identical one first', () => {
    for (const [query, lookalike] of [
      ['MIST', 'MINT'],
      ['SIERRA', 'SIERRA SIERRA'],
      ['PALM', 'PALE'],
    ]) {
      for (const classes of [[], [9]]) {
        const q = prepareQuery(query, classes);
        const own = scoreCandidate(q, candidate(query, [9]));
        const other = scoreCandidate(q, candidate(lookalike, [9]));
        expect(other.score).toBeLessThanOrEqual(own.score);
        expect(rankCandidates(q, [candidate(lookalike, [9]), candidate(query, [9])], 5)[0].record.mark).toBe(query);
      }
    }
  });

  it('orders results of equal score by the share of the searched classes the record is in', () => {
    const q = prepareQuery('SP', [9, 42]);
    const ranked = rankCandidates(q, [candidate('SUN PEAK', [9, 25]), candidate('SILVER PINE', [9, 42]), candidate('STAR PARK', [42])], 5);
    expect(new Set(ranked.map((r) => r.score)).size).toBe(1);
    expect(ranked[0].record.mark).toBe('SILVER PINE');
    expect(classCoverage([9, 42], [9, 25])).toBe(0.5);
    expect(classCoverage([], [9])).toBe(0);
  });
});

describe('helpers', () => {
  it('riskOf and highestRisk', () => {
    expect([riskOf(90), riskOf(60), riskOf(35), riskOf(10)]).toEqual(['high', 'medium', 'low', 'none']);
    expect(highestRisk(['low', 'high', 'none'])).toBe('high');
    expect(highestRisk([])).toBe('none');
  });

  it('editDistance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('classRelation: goods and their retail services are related', () => {
    expect(classRelation([25], [35]).relation).toBe('related');
    expect(classRelation([32], [33]).relation).toBe('related');
    expect(classRelation([9], [9, 42]).relation).toBe('same');
    expect(classRelation([1], [45]).relation).toBe('unrelated');
    expect(classRelation([], [45]).relation).toBe('unknown');
  });
});

describe('meaning and initials', () => {
  it('treats a foreign equivalent as the same word', () => {
    const r = scoreCandidate(prepareQuery('LUPO', [25]), candidate('WOLF', [25]));
    expect(r.risk).toBe('high');
    expect(r.reasons.find((x) => x.kind === 'means-the-same')?.detail).toMatch(/foreign equivalent/);
  });

  it('treats close English synonyms (WordNet) as the same word, both ways', () => {
    const r = scoreCandidate(prepareQuery('SWIFT CARGO', [39]), candidate('FLEET CARGO', [39]));
    expect(r.risk).toBe('high');
    expect(r.reasons.find((x) => x.kind === 'means-the-same')?.detail).toMatch(/SWIFT and FLEET are synonyms/);
    const back = scoreCandidate(prepareQuery('SPEEDY', [35]), candidate('QUICK', [35]));
    expect(back.reasons.map((x) => x.detail).join(' ')).toMatch(/SPEEDY and QUICK are synonyms/);
  });

  it('puts the sound codes of the synonyms among the query keys, so candidates can be found by them', () => {
    const q = prepareQuery('SWIFT CARGO');
    expect(q.keys).toEqual(expect.arrayContaining(phoneticKeys('FLEET')));
    expect(prepareQuery('ZEBRAFLUX').keys).toEqual(phoneticKeys('ZEBRAFLUX'));
  });

  it('does not call unrelated words synonyms', () => {
    const r = scoreCandidate(prepareQuery('SWIFT CARGO', [39]), candidate('GARDEN CARGO', [39]));
    expect(r.reasons.map((x) => x.detail).join(' ')).not.toMatch(/synonyms/);
  });

  it('finds initials against the words they abbreviate', () => {
    const r = scoreCandidate(prepareQuery('NBW', [36]), candidate('NORTHERN BAY WEALTH', [36]));
    expect(r.risk).toBe('high');
    expect(r.reasons.find((x) => x.kind === 'initials')?.detail).toMatch(/NBW are the initials/);
  });
});
