import { softmaxWeights, trainSoftmax, type SoftmaxExample } from './softmax-regression';

const example = (words: string[], classIndex: number, weight = 1): SoftmaxExample => ({ features: new Map(words.map((w) => [w, 1])), classIndex, weight });

/** The model's logits for a bag of words. */
const logits = (model: ReturnType<typeof trainSoftmax>, words: string[]): number[] => {
  const z = [...model.bias];
  for (const w of words) for (const [c, v] of softmaxWeights(model, w)) z[c]! += v;
  return z;
};
const argmax = (z: number[]): number => z.indexOf(Math.max(...z));

describe('softmax regression (the linear component of the Nice-class model)', () => {
  const examples: SoftmaxExample[] = [
    example(['coffee', 'bean'], 0),
    example(['coffee', 'roasted'], 0),
    example(['tea', 'leaf'], 0),
    example(['cafe', 'service'], 1),
    example(['restaurant', 'service'], 1),
    example(['coffee', 'shop', 'service'], 1),
    example(['bicycle', 'frame'], 2),
    example(['bicycle', 'bell'], 2),
  ];

  it('is deterministic: the same examples, in any order of their features, give the same weights', () => {
    const first = trainSoftmax(examples, 3);
    const shuffled = examples.map((e) => ({ ...e, features: new Map([...e.features].reverse()) }));
    expect(JSON.stringify(trainSoftmax(shuffled, 3))).toBe(JSON.stringify(first));
  });

  it('learns which words tell the classes apart, a shared word weighing less than a distinctive one', () => {
    const model = trainSoftmax(examples, 3);
    expect(argmax(logits(model, ['coffee', 'bean']))).toBe(0);
    expect(argmax(logits(model, ['cafe', 'service']))).toBe(1);
    expect(argmax(logits(model, ['bicycle']))).toBe(2);
    // `service` is only ever class 1; `coffee` is both classes 0 and 1.
    const weight = (word: string, c: number): number => softmaxWeights(model, word).find(([i]) => i === c)?.[1] ?? 0;
    expect(weight('service', 1)).toBeGreaterThan(weight('coffee', 1));
    expect(argmax(logits(model, ['coffee', 'service']))).toBe(1);
  });

  it('weighs examples by their weight, and leaves weights below the pruning threshold out', () => {
    const tie = [example(['pen'], 0), example(['pen'], 1, 3)];
    const model = trainSoftmax(tie, 2);
    expect(argmax(logits(model, ['pen']))).toBe(1);
    const pruned = trainSoftmax(examples, 3, { epochs: 12, learningRate: 0.2, l2: 1e-4, prune: 10, seed: 13 });
    expect(pruned).toMatchObject({ features: [], start: [0], entries: [] });
  });
});
