import { applyFeedback, feedbackShifts, MAX_SHIFT, similarity } from './feedback.util';

describe('feedback re-ranking', () => {
  const lemmas = ['roast', 'coffee', 'cafe'];

  it('measures similarity as the Jaccard index of content lemmas', () => {
    expect(similarity(lemmas, lemmas)).toBe(1);
    expect(similarity(lemmas, ['coffee', 'tea'])).toBeCloseTo(1 / 4);
    expect(similarity([], lemmas)).toBe(0);
  });

  it('shifts a class by at most MAX_SHIFT however many answers agree', () => {
    const history = Array.from({ length: 50 }, () => ({ class: 43, accepted: true, lemmas }));
    expect(feedbackShifts(lemmas, history).get(43)).toBeCloseTo(MAX_SHIFT);
    const dismissed = Array.from({ length: 50 }, () => ({ class: 30, accepted: false, lemmas }));
    expect(feedbackShifts(lemmas, dismissed).get(30)).toBeCloseTo(-MAX_SHIFT);
  });

  it('ignores answers given for dissimilar descriptions', () => {
    expect(feedbackShifts(lemmas, [{ class: 43, accepted: true, lemmas: ['plumbing', 'repair'] }]).size).toBe(0);
  });

  it('reorders a near-tie and nothing further apart', () => {
    const shifts = new Map([[43, MAX_SHIFT], [30, -MAX_SHIFT]]);
    const nearTie = applyFeedback([{ class: 30, confidence: 0.62 }, { class: 43, confidence: 0.6 }], shifts);
    expect(nearTie.map((s) => s.class)).toEqual([43, 30]);
    const apart = applyFeedback([{ class: 30, confidence: 0.8 }, { class: 43, confidence: 0.4 }], shifts);
    expect(apart.map((s) => s.class)).toEqual([30, 43]);
  });

  it('moves only the classes it is given: a class the model did not suggest never appears', () => {
    const shifts = new Map([[9, MAX_SHIFT]]);
    const out = applyFeedback([{ class: 30, confidence: 0.5 }, { class: 43, confidence: 0.4 }], shifts);
    expect(out.map((s) => s.class)).toEqual([30, 43]);
  });
});
