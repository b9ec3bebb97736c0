import type { ScoredResult } from '@app/trademarks';
import { alternativeCandidates, classAdvice, riskActions, riskSummary, watchAdvice, type AdvisedSearch } from './clearance-advice';

function result(mark: string, risk: ScoredResult['risk'], kinds: Array<ScoredResult['reasons'][number]['kind']>, classes = [9]): ScoredResult {
  return {
    record: { serialNumber: `9${mark.length}000000`, registrationNumber: null, mark, status: '700', live: true, classes, owner: 'X', filingDate: null },
    score: risk === 'high' ? 90 : risk === 'medium' ? 55 : 20,
    risk,
    reasons: kinds.map((kind) => ({ kind, detail: `${kind} detail` })),
  };
}

function search(over: Partial<AdvisedSearch>): AdvisedSearch {
  return { id: 's1', query: 'ZORBLAX', normalizedQuery: 'ZORBLAX', classes: [9], risk: 'none', results: [], ...over };
}

describe('clearance advice', () => {
  it('what to do follows the risk and where the conflict is', () => {
    expect(riskActions(search({ risk: 'high', results: [result('ZORBLAX', 'high', ['identical', 'same-class'])] }))).toEqual(['change-the-mark', 'talk-to-counsel']);
    expect(riskActions(search({ risk: 'high', results: [result('ZORBLAX', 'high', ['identical', 'related-class'])] }))).toEqual(['narrow-the-goods', 'talk-to-counsel']);
    expect(riskActions(search({ risk: 'medium', results: [result('ZORBLEX', 'medium', ['looks-alike', 'same-class'])] }))).toEqual(['talk-to-counsel', 'change-the-mark']);
    expect(riskActions(search({ risk: 'medium', results: [result('ZORBLEX', 'medium', ['looks-alike', 'related-class'])] }))).toEqual(['narrow-the-goods', 'talk-to-counsel']);
    expect(riskActions(search({ risk: 'low', results: [result('ZORB', 'low', ['contains'])] }))).toEqual(['watch-the-mark', 'talk-to-counsel']);
    expect(riskActions(search({ risk: 'none' }))).toEqual(['file', 'watch-the-mark']);
    // Without searched classes the goods cannot be narrowed: the conflict counts as same goods.
    expect(riskActions(search({ classes: [], risk: 'high', results: [result('ZORBLAX', 'high', ['identical'])] }))[0]).toBe('change-the-mark');
  });

  it('the summary names only the marks at the search risk, at most three, in plain words', () => {
    const results = [
      result('ZORBLAX', 'high', ['identical', 'same-class']),
      result('ZORBLAXX', 'high', ['looks-alike', 'same-class']),
      result('ZORBALL', 'medium', ['sounds-alike']),
    ];
    const summary = riskSummary(search({ risk: 'high', results }));
    expect(summary.title).toBe('HIGH risk for "ZORBLAX": 2 marks drive it');
    const drivers = summary.payload.drivers as Array<{ mark: string; summary: string }>;
    expect(drivers.map((d) => d.mark)).toEqual(['ZORBLAX', 'ZORBLAXX']);
    expect(drivers[0]!.summary).toBe('ZORBLAX (serial 97000000, class 9, live): identical detail; same-class detail');
    expect(riskSummary(search({ risk: 'none' })).title).toBe('"ZORBLAX" looks clear: no conflicting mark found');
  });

  it('related classes come with the reason examiners relate them, retail services last', () => {
    expect(classAdvice(search({ classes: [25] })).map((a) => a.payload.class)).toEqual([14, 18, 24, 35]);
    // At most four: the specific relations come before retail services.
    const advice = classAdvice(search({ classes: [30] }));
    expect(advice.map((a) => a.payload.class)).toEqual([29, 31, 32, 43]);
    expect(advice.find((a) => a.payload.class === 43)!.payload.reason).toBe(
      'Class 43 is related to class 30: foods and drinks are commonly sold together and served by restaurants and bars.',
    );
    expect(classAdvice(search({ classes: [] }))).toEqual([]);
  });

  it('a watch is offered only for a clear or low-risk search with classes', () => {
    expect(watchAdvice(search({ risk: 'none' }))?.payload).toMatchObject({ mark: 'ZORBLAX', classes: [9] });
    expect(watchAdvice(search({ risk: 'low' }))).not.toBeNull();
    expect(watchAdvice(search({ risk: 'medium' }))).toBeNull();
    expect(watchAdvice(search({ risk: 'none', classes: [] }))).toBeNull();
  });

  it('alternative candidates: deterministic, never the mark itself, each kind, the shared word swapped', () => {
    const s = search({ query: 'RIVER COFFEE', normalizedQuery: 'RIVER COFFEE', risk: 'high', results: [result('RIVER COFFEE ROASTERS', 'high', ['shared-word'])] });
    const first = alternativeCandidates(s);
    expect(alternativeCandidates(s)).toEqual(first);
    expect(first.length).toBeLessThanOrEqual(12);
    expect(first.map((c) => c.mark)).not.toContain('RIVER COFFEE');
    expect(new Set(first.map((c) => c.kind))).toEqual(new Set(['word-swap', 'coined-blend', 'added-word']));
    for (const swap of first.filter((c) => c.kind === 'word-swap')) expect(swap.mark).toMatch(/^[A-Z]+ COFFEE$/);
    expect(new Set(first.map((c) => c.mark)).size).toBe(first.length);
    // A coined mark WordNet does not know has no swaps, still blends and added words.
    const coined = alternativeCandidates(search({ risk: 'high' }));
    expect(coined.some((c) => c.kind === 'word-swap')).toBe(false);
    expect(coined.some((c) => c.kind === 'coined-blend')).toBe(true);
    expect(alternativeCandidates(search({ normalizedQuery: '' }))).toEqual([]);
  });
});
