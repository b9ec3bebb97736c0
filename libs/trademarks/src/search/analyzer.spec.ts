import { analysisOf, analyzeMark, ANALYZER_VERSION, decodeAnalysis, encodeAnalysis } from './analyzer';

describe('the stored form of an analysis', () => {
  // Marks that exercise every encoded part: plurals (singulars), foreign and synonym words
  // (concepts), articles (fullCompact), digits (visual, spoken), initials, punctuation.
  const marks = [
    'HARBOR',
    'BLUE HARBORS',
    "L'AMOUR DE LA MER",
    'THE ROCK',
    'LUNA NEGRA',
    'L8 NITE 4SIGHT',
    'CEDAR VALLEY HEALTH GROUP',
    'B0LT',
    'MCDONALD’S & CO.',
    'ÉCLAIR {BACK\\SLASH} "Q"',
    'KWIK E MART',
    '7',
    '!!!',
  ];

  it.each(marks)('round-trips %s to the same AnalyzedMark', (mark) => {
    const analysis = analyzeMark(mark);
    const stored = encodeAnalysis(analysis);
    expect(decodeAnalysis(stored, analysis.normalized)).toEqual(analysis);
  });

  it('is compact: only the parts that cost work to derive, a fraction of the full form', () => {
    const analysis = analyzeMark('CEDAR VALLEY HEALTH GROUP');
    const stored = encodeAnalysis(analysis);
    expect(stored.length).toBeLessThan(JSON.stringify(analysis).length / 2);
    expect(stored).not.toContain('cedar valley health group'); // the normalized text is the record's column
  });

  it('analysisOf reads a stored form when there is one and computes the analysis otherwise', () => {
    const harbor = analyzeMark('HARBOR');
    // A stored form is trusted as it is (the candidate query joins only the current version).
    const stored = encodeAnalysis({ ...harbor, words: ['harbour'], singulars: ['harbour'], compact: 'harbour', fullCompact: 'harbour' });
    expect(analysisOf(stored, 'HARBOR', 'harbor').words).toEqual(['harbour']);
    expect(analysisOf(null, 'HARBOR', 'harbor')).toEqual(harbor);
    expect(analysisOf(undefined, 'HARBOR', 'harbor')).toEqual(harbor);
    expect(harbor.v).toBe(ANALYZER_VERSION);
  });
});
