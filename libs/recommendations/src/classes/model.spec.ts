import { createHash } from 'node:crypto';
import { MAX_SUGGESTIONS, NiceClassifier, selectSuggestions } from './classifier';
import { HEAD_KIND_MIN_DOCS, headKindsOf, trainClassModel, type NiceClassInfo, type TrainingDoc } from './model';
import { classPrior, fitCalibration, heldOutTermRows, readTrainingData, type CalibrationPoint } from './training-data';

const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('Nice-class model training', () => {
  const { classes, docs } = readTrainingData();

  it('is deterministic: the same data gives the same artifact, hash and version', () => {
    const first = trainClassModel(classes, docs);
    const second = trainClassModel(classes, [...docs]);
    expect(hash(second)).toBe(hash(first));
    expect(second.modelVersion).toBe(first.modelVersion);
    expect(first.modelVersion).toMatch(/^ncl12-2024\.[0-9a-f]{12}$/);
  });

  it('changes version when the data changes', () => {
    const base = trainClassModel(classes, docs);
    const changed = trainClassModel(classes, docs.slice(1));
    expect(changed.modelVersion).not.toBe(base.modelVersion);
  });

  it('ranks the classes of plain descriptions, several when goods and services are both described', () => {
    const classifier = new NiceClassifier(trainClassModel(classes, docs));
    const ranked = classifier.rank('we roast coffee and run two cafés').map((s) => s.class);
    expect(ranked.slice(0, 3)).toEqual(expect.arrayContaining([30, 43]));
    const top = classifier.rank('running shoes and sneakers')[0]!;
    expect(top.class).toBe(25);
    expect(top.matchedTerms.length).toBeGreaterThan(0);
    expect(top.confidence).toBeGreaterThan(0);
    expect(top.confidence).toBeLessThan(1);
  });

  it('uses "does not include" notes as evidence against a class', () => {
    const tiny: NiceClassInfo[] = [
      { class: 1, kind: 'good', heading: 'Chemicals' },
      { class: 2, kind: 'good', heading: 'Paints' },
    ];
    const data: TrainingDoc[] = [
      { class: 1, text: 'salt for preserving', source: 'term' },
      { class: 2, text: 'salt paint', source: 'term' },
    ];
    const without = new NiceClassifier(trainClassModel(tiny, data)).rank('salt for preserving');
    const withNote = new NiceClassifier(trainClassModel(tiny, [...data, { class: 1, text: 'salt for preserving ()', source: 'excludes' }])).rank('salt for preserving');
    const score = (ranked: typeof without, cls: number): number => ranked.find((s) => s.class === cls)!.score;
    expect(score(withNote, 1)).toBeLessThan(score(without, 1));
    expect(score(withNote, 2)).toBeCloseTo(score(without, 2));
  });

  it('prefers a term the description covers whole over terms that share one of its words', () => {
    const tiny: NiceClassInfo[] = [
      { class: 8, kind: 'good', heading: 'Hand tools' },
      { class: 37, kind: 'service', heading: 'Repair services' },
    ];
    const data: TrainingDoc[] = [
      { class: 8, text: 'knife steels', source: 'term' },
      { class: 8, text: 'knife handles', source: 'term' },
      { class: 8, text: 'knife blades', source: 'term' },
      { class: 37, text: 'knife sharpening', source: 'term' },
      { class: 37, text: 'repair of tools', source: 'term' },
    ];
    const ranked = new NiceClassifier(trainClassModel(tiny, data)).rank('knife sharpening at the market');
    expect(ranked[0]!.class).toBe(37);
    expect(ranked[0]!.matchedTerms[0]).toBe('knife sharpening');
  });

  it("takes a term's negation as the opposite of its word: metal fences are not 'fences, not of metal'", () => {
    // Class numbers chosen so that a tie would go to the wrong class (the lower number).
    const tiny: NiceClassInfo[] = [
      { class: 6, kind: 'good', heading: 'Not metal' },
      { class: 19, kind: 'good', heading: 'Metal' },
    ];
    const data: TrainingDoc[] = [
      { class: 6, text: 'fences, not of metal', source: 'term' },
      { class: 19, text: 'fences of metal', source: 'term' },
    ];
    const ranked = new NiceClassifier(trainClassModel(tiny, data)).rank('metal fences');
    expect(ranked.map((s) => s.class)).toEqual([19, 6]);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score * 1.5);
  });

  it('lets a negation the text shares with a term cover it: "fences, not of metal" meets the other "not of metal" terms', () => {
    const tiny: NiceClassInfo[] = [
      { class: 6, kind: 'good', heading: 'Common metals' },
      { class: 19, kind: 'good', heading: 'Building materials' },
    ];
    const data: TrainingDoc[] = [
      { class: 6, text: 'fences of metal', source: 'term' },
      { class: 6, text: 'girders of metal', source: 'term' },
      { class: 19, text: 'crash barriers, not of metal', source: 'term' },
      { class: 19, text: 'girders, not of metal', source: 'term' },
    ];
    const classifier = new NiceClassifier(trainClassModel(tiny, data));
    const [first] = classifier.rank('fences, not of metal');
    expect(first!.class).toBe(19);
    // Before, no text covered a negated word: a term sharing only the negation scored nothing.
    expect(first!.matchedTerms).toEqual(expect.arrayContaining(['crash barriers, not of metal', 'girders, not of metal']));
    // Without the negation in the text, nothing covers it (`metal` does not meet `not of metal`).
    expect(classifier.rank('fences of metal').find((s) => s.class === 19)!.matchedTerms).not.toContain('girders, not of metal');
  });

  it('reads a clause where a subject does something with a verb as a service: its object\'s goods class no longer outranks the service', () => {
    const tiny: NiceClassInfo[] = [
      { class: 9, kind: 'good', heading: 'Scientific apparatus' },
      { class: 29, kind: 'good', heading: 'Meat' },
      { class: 41, kind: 'service', heading: 'Entertainment' },
    ];
    const data: TrainingDoc[] = [
      { class: 9, text: 'camcorders', source: 'term' },
      { class: 9, text: 'video cameras', source: 'term' },
      { class: 29, text: 'sausages', source: 'term' },
      { class: 41, text: 'rental of video equipment', source: 'term' },
      { class: 41, text: 'rental of stage scenery', source: 'term' },
    ];
    const classifier = new NiceClassifier(trainClassModel(tiny, data));
    const order = (d: string): number[] => classifier.rank(d).map((s) => s.class);
    expect(order('sausages, and we rent camcorders').slice(0, 2)).toEqual(expect.arrayContaining([29, 41]));
    // The whole description still reads the goods: the camcorders' class stays a candidate.
    expect(order('sausages, and we rent camcorders')).toContain(9);
    // Selling is no activity of its own, and a description that is one clause keeps its goods reading.
    expect(order('sausages, and we sell camcorders').slice(0, 2)).toEqual(expect.arrayContaining([29, 9]));
    expect(order('we rent camcorders')[0]).toBe(9);
    // A verb that makes or transforms its object may sell it: `we roast coffee` is no service clause.
    expect(classifier.clauseKind('and we rent camcorders')).toBe('service');
    expect(classifier.clauseKind('and we roast coffee')).toBeUndefined();
    expect(classifier.clauseKind('and we brew beer')).toBeUndefined();
  });

  it('weighs the classes of a clause by the linear model, and leaves a one-clause description to the other components', () => {
    const model = trainClassModel(classes, docs);
    expect(model.linear.bias).toHaveLength(classes.length);
    // Trained on the docs read with their expansions: a hypernym a description reaches has weights.
    expect(model.linear.features).toEqual(expect.arrayContaining(['coffee', 'beverage', 'h:rental']));
    const withLinear = new NiceClassifier(model);
    const without = new NiceClassifier({ ...model, linear: { bias: classes.map(() => 0), features: [], start: [0], entries: [] } });
    const scores = (classifier: NiceClassifier, d: string): Map<number, number> => new Map(classifier.rank(d).map((s) => [s.class, s.score]));
    // One clause: scored as before.
    expect(scores(withLinear, 'herbal tea blends')).toEqual(scores(without, 'herbal tea blends'));
    // Clauses of a description with several: a class the clause's wording makes less likely than
    // its best loses some of its score there (never gains), the clause's best keeps it.
    const mixed = 'herbal tea blends, and we rent bicycles';
    const a = scores(withLinear, mixed);
    const b = scores(without, mixed);
    for (const [cls, score] of a) expect(score).toBeLessThanOrEqual(b.get(cls)! + 1e-12);
    expect([...a].filter(([cls, score]) => score < b.get(cls)! - 1e-6).length).toBeGreaterThan(0);
    expect(withLinear.rank(mixed)[0]!.class).toBe(without.rank(mixed)[0]!.class);
  });

  it('learns the kind a head names from the official data, and reads a clause with that head as that kind', () => {
    const tiny: NiceClassInfo[] = [
      { class: 20, kind: 'good', heading: 'Furniture' },
      { class: 29, kind: 'good', heading: 'Meat' },
      { class: 43, kind: 'service', heading: 'Temporary accommodation' },
    ];
    const rentals = ['furniture', 'tables', 'tents', 'cooking apparatus', 'drinking water dispensers', 'lighting apparatus', 'meeting rooms', 'portable buildings', 'banquet halls', 'towels', 'tableware'];
    const data: TrainingDoc[] = [
      { class: 20, text: 'office furniture', source: 'term' },
      { class: 20, text: 'furniture of metal', source: 'term' },
      { class: 29, text: 'sausages', source: 'term' },
      ...rentals.map((r): TrainingDoc => ({ class: 43, text: `rental of ${r}`, source: 'term' })),
    ];
    expect(rentals.length).toBeGreaterThanOrEqual(HEAD_KIND_MIN_DOCS);
    const model = trainClassModel(tiny, data);
    // `rental` heads 11 service terms: a service head; `furniture` heads too few to say.
    expect(model.headKinds).toEqual({ rental: 'service' });
    expect(headKindsOf(tiny, data.slice(0, 3))).toEqual({});
    const classifier = new NiceClassifier(model);
    expect(classifier.clauseKind('rental of office furniture')).toBe('service');
    expect(classifier.clauseKind('office furniture')).toBeUndefined();
    const order = (d: string): number[] => classifier.rank(d).map((s) => s.class);
    const score = (d: string, cls: number): number => classifier.rank(d).find((s) => s.class === cls)!.score;
    const mixed = 'sausages, plus rental of office furniture';
    // In its clause the furniture's goods class yields to the rental: what is left of it comes from
    // the whole description, less than the clause alone gives it; the rental's class gains.
    expect(order(mixed).slice(0, 3)).toEqual(expect.arrayContaining([20, 29, 43]));
    expect(score(mixed, 20)).toBeLessThan(score('rental of office furniture', 20));
    expect(score(mixed, 43)).toBeGreaterThan(score(mixed, 20) / 10);
    // One clause alone keeps both readings: the furniture's class still leads it.
    expect(order('rental of office furniture')[0]).toBe(20);
  });
});

describe('Nice-class confidence calibration', () => {
  it('recovers the logistic curve that generated the outcomes, deterministically', () => {
    const truth = { a: 4, relative: 3, b: -5 };
    const points: CalibrationPoint[] = [];
    for (let s = 0; s <= 10; s++) {
      for (let r = 0; r <= 10; r++) {
        const score = s / 10;
        const relative = r / 10;
        const p = 1 / (1 + Math.exp(-(truth.a * score + truth.relative * relative + truth.b)));
        const right = Math.round(p * 200);
        for (let i = 0; i < 200; i++) points.push({ score, relative, right: i < right ? 1 : 0 });
      }
    }
    const fitted = fitCalibration(points);
    expect(fitted.a).toBeCloseTo(truth.a, 1);
    expect(fitted.relative).toBeCloseTo(truth.relative, 1);
    expect(fitted.b).toBeCloseTo(truth.b, 1);
    expect(fitCalibration([...points])).toEqual(fitted);
  });
});

describe('Nice-class suggestions the API answers', () => {
  const scored = (cls: number, confidence: number, terms = ['a term']): { class: number; score: number; confidence: number; matchedTerms: string[] } => ({
    class: cls,
    score: confidence,
    confidence,
    matchedTerms: terms,
  });

  it('keeps every class of the first five whose confidence is at least the prior of a class, the first one always', () => {
    const ranked = [scored(30, 0.03), scored(43, 0.05), scored(21, 0.04), scored(11, 0.01), scored(32, 0.035), scored(20, 0.9)];
    // The first stays below the prior; 11 is below it; 20 is sixth.
    expect(selectSuggestions(ranked, 0.034).map((s) => s.class)).toEqual([30, 43, 21, 32]);
    expect(selectSuggestions(ranked, 0).map((s) => s.class)).toHaveLength(MAX_SUGGESTIONS);
  });

  it('answers only classes an official term supports', () => {
    expect(selectSuggestions([scored(30, 0.8, []), scored(43, 0.5), { ...scored(21, 0.4), score: 0 }], 0.03).map((s) => s.class)).toEqual([43]);
    expect(selectSuggestions([scored(30, 0, [])], 0.03)).toEqual([]);
  });

  it('takes the prior of a class from the labelled rows: their mean number of classes over the number of classes', () => {
    const rows = [
      { description: 'x', classes: [30] },
      { description: 'y', classes: [30, 43] },
      { description: 'z', classes: [9, 44, 42] },
    ];
    expect(classPrior(rows, 45)).toBeCloseTo(2 / 45, 6);
    expect(classPrior([], 45)).toBe(0);
  });

  it('answers a description spanning goods and services with both classes, and a clear one with few', () => {
    const { classes, docs } = readTrainingData();
    const classifier = new NiceClassifier(trainClassModel(classes, docs, { a: 3.5, relative: 2.5, b: -4.4, prior: 0.0335 }));
    const both = classifier.suggest('we roast coffee and run two cafés').map((s) => s.class);
    expect(both).toEqual(expect.arrayContaining([30, 43]));
    expect(classifier.suggest('zxqvb blorfium')).toEqual([]);
    for (const s of classifier.suggest('running shoes and sneakers').slice(1)) expect(s.confidence).toBeGreaterThanOrEqual(0.0335);
  });
});

describe('Held-out indications of the alphabetical list', () => {
  const training = readTrainingData();
  const kind = new Map(training.classes.map((c) => [c.class, c.kind]));

  it('leaves about one indication in five out of training, with its synonyms, the same ones on every run', () => {
    const { trainingDocs, heldOut } = heldOutTermRows(training, 50, 0);
    const terms = training.docs.filter((d) => d.source === 'term').length;
    expect(heldOut.length / terms).toBeGreaterThan(0.15);
    expect(heldOut.length / terms).toBeLessThan(0.25);
    const leftOutNumbers = new Set(heldOut.map((d) => d.basicNumber));
    expect(trainingDocs.some((d) => leftOutNumbers.has(d.basicNumber))).toBe(false);
    expect(trainingDocs.length + heldOut.length).toBe(training.docs.length);
    expect(hash(heldOutTermRows(training, 50, 0))).toBe(hash({ trainingDocs, heldOut, splits: heldOutTermRows(training, 50, 0).splits }));
    // Another fold leaves out other indications.
    const other = new Set(heldOutTermRows(training, 50, 1).heldOut.map((d) => d.basicNumber));
    expect([...leftOutNumbers].some((n) => other.has(n))).toBe(false);
  });

  it('builds descriptions only from held-out indications: mixes of distinct classes with a service, services said with their verb', () => {
    const { heldOut, splits } = heldOutTermRows(training, 50, 0);
    const texts = new Set(heldOut.map((d) => d.text));
    const [singles, mixes, verbs] = splits;
    expect(singles!.rows).toHaveLength(50);
    for (const row of singles!.rows) expect(texts.has(row.description)).toBe(true);
    expect(mixes!.rows).toHaveLength(50);
    for (const row of mixes!.rows) {
      expect(new Set(row.classes).size).toBe(row.classes.length);
      expect(row.classes.filter((c) => kind.get(c) === 'service')).toHaveLength(1);
    }
    expect(verbs!.rows.length).toBeGreaterThan(20);
    for (const row of verbs!.rows) {
      expect(row.description).toMatch(/, and we [a-z]+ /);
      expect(row.classes.map((c) => kind.get(c))).toEqual(['good', 'service']);
    }
    expect(verbs!.rows.map((r) => r.description)).toEqual(expect.arrayContaining([expect.stringMatching(/, and we rent /)]));
  });
});
