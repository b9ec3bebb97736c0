import { createHash } from 'node:crypto';
import { NiceClassifier } from './classifier';
import { trainClassModel, type NiceClassInfo, type TrainingDoc } from './model';
import { fitCalibration, heldOutTermRows, readTrainingData, type CalibrationPoint } from './training-data';

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
